#Requires -Version 5.1
<#
.SYNOPSIS
    Test-only stand-ins for the Windows-only cmdlets the agent's scripts call, over a JSON state file.
.DESCRIPTION
    Imported into the global scope before a script runs under real pwsh (Linux CI), so the functions here win
    over cmdlets of the same name (functions beat cmdlets in command lookup, also from inside modules). Every
    call reads $env:AGENT_STANDIN_STATE and every change writes it back, so a test sees a script's effect in the
    file. Registry reads (Get-ItemProperty on HKLM:/HKCU:) come from state.registry, keyed by the provider path;
    Set-DnsClientServerAddress writes the same keys, the way Windows does.
    netsh and ipconfig are shims that log their arguments (one array per call) to state.calls.
    Failures on cue: state.failures maps a command name to the message it throws with (the way a cmdlet fails
    on a real PC: access denied, a CIM error); state.nativeExitCodes maps "tool arg arg" to an exit code.
    Defender: with state.defenderHidesExclusions, only an "elevated" process (AGENT_STANDIN_ADMIN=1) sees the
    exclusion lists; others get the placeholder current Defender builds return to unelevated callers,
    "N/A: Must be an administrator to view exclusions" (quoted verbatim in several public Windows tools' notes
    and tests, e.g. "Confirmed on the rig, 2026-08-04 ... returns N/A: Must be an administrator to view
    exclusions for all three exclusion lists"), and changing them is refused.
#>
Set-StrictMode -Version 3.0

function Read-StandInState {
    [CmdletBinding()]
    param()
    Get-Content -LiteralPath $env:AGENT_STANDIN_STATE -Raw -Encoding UTF8 | ConvertFrom-Json -AsHashtable
}

function Save-StandInState {
    [CmdletBinding()]
    param([Parameter(Mandatory)]$State)
    $json = ConvertTo-Json -InputObject $State -Depth 20
    [System.IO.File]::WriteAllText($env:AGENT_STANDIN_STATE, $json, (New-Object System.Text.UTF8Encoding $false))
}

function Add-StandInCall {
    [CmdletBinding()]
    param([Parameter(Mandatory)]$State, [Parameter(Mandatory)][string]$Name, $Arguments)
    if (-not $State.ContainsKey('calls')) { $State['calls'] = @() }
    $State['calls'] = @($State['calls']) + @(, [ordered]@{ name = $Name; args = $Arguments })
}

function Assert-StandInWorks {
    <# Throws the configured failure for this command, if any (state.failures). #>
    [CmdletBinding()]
    param([Parameter(Mandatory)]$State, [Parameter(Mandatory)][string]$Name)
    if ($State.ContainsKey('failures') -and $null -ne $State.failures -and $State.failures.ContainsKey($Name)) {
        throw [string]$State.failures[$Name]
    }
}

function Test-StandInAdmin {
    <# True in a process the test marks as elevated. #>
    [CmdletBinding()]
    param()
    $env:AGENT_STANDIN_ADMIN -eq '1'
}

function ConvertTo-StandInObject {
    [CmdletBinding()]
    param([Parameter(ValueFromPipeline)]$InputObject)
    process { if ($null -ne $InputObject) { [pscustomobject]$InputObject } }
}

# --- NetAdapter / NetTCPIP -------------------------------------------------------------------------------------

function Get-NetAdapter {
    [CmdletBinding()]
    param([string]$Name, [int]$InterfaceIndex)
    $state = Read-StandInState
    Assert-StandInWorks -State $state -Name 'Get-NetAdapter'
    @($state.adapters) | Where-Object {
        (-not $PSBoundParameters.ContainsKey('Name') -or $_.Name -eq $Name) -and
        (-not $PSBoundParameters.ContainsKey('InterfaceIndex') -or $_.InterfaceIndex -eq $InterfaceIndex)
    } | ConvertTo-StandInObject
}

function Get-NetRoute {
    [CmdletBinding()]
    param([string]$DestinationPrefix)
    $state = Read-StandInState
    @($state.routes) | Where-Object { -not $DestinationPrefix -or $_.DestinationPrefix -eq $DestinationPrefix } | ConvertTo-StandInObject
}

function Get-NetIPInterface {
    [CmdletBinding()]
    param([int]$InterfaceIndex, [string]$AddressFamily)
    $state = Read-StandInState
    foreach ($a in @($state.adapters)) {
        if ($a.InterfaceIndex -eq $InterfaceIndex) {
            [pscustomobject]@{ InterfaceIndex = $a.InterfaceIndex; AddressFamily = $AddressFamily; Dhcp = $a.Dhcp }
        }
    }
}

function Get-NetIPAddress {
    [CmdletBinding()]
    param([int]$InterfaceIndex, [string]$AddressFamily)
    $state = Read-StandInState
    foreach ($a in @($state.adapters)) {
        if ($a.InterfaceIndex -eq $InterfaceIndex) {
            foreach ($ip in @($a.IPv4Addresses)) { [pscustomobject]@{ InterfaceIndex = $InterfaceIndex; IPAddress = $ip } }
        }
    }
}

# --- Registry --------------------------------------------------------------------------------------------------

function Get-ItemProperty {
    [CmdletBinding()]
    param([Parameter(Position = 0)][string]$Path, [string]$LiteralPath, [Parameter(Position = 1)][string[]]$Name)
    $key = $LiteralPath
    if (-not $key) { $key = $Path }
    if ($key -notmatch '^(HKLM|HKCU):\\') {
        return Microsoft.PowerShell.Management\Get-ItemProperty @PSBoundParameters
    }
    $state = Read-StandInState
    if (-not $state.registry.ContainsKey($key)) {
        Write-Error -Message "Cannot find path '$key' because it does not exist." -Category ObjectNotFound
        return
    }
    [pscustomobject]$state.registry[$key]
}

# --- DnsClient -------------------------------------------------------------------------------------------------

function Set-DnsClientServerAddress {
    [CmdletBinding()]
    param([int]$InterfaceIndex, [string[]]$ServerAddresses, [switch]$ResetServerAddresses)
    $state = Read-StandInState
    Assert-StandInWorks -State $state -Name 'Set-DnsClientServerAddress'
    $adapter = @($state.adapters) | Where-Object { $_.InterfaceIndex -eq $InterfaceIndex } | Select-Object -First 1
    if ($null -eq $adapter) { throw "No MSFT_NetAdapter objects found with property 'InterfaceIndex' equal to '$InterfaceIndex'." }
    $v4Key = 'HKLM:\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters\Interfaces\' + $adapter.InterfaceGuid
    $v6Key = 'HKLM:\SYSTEM\CurrentControlSet\Services\Tcpip6\Parameters\Interfaces\' + $adapter.InterfaceGuid
    foreach ($k in @($v4Key, $v6Key)) { if (-not $state.registry.ContainsKey($k)) { $state.registry[$k] = [ordered]@{} } }
    if ($ResetServerAddresses) {
        $state.registry[$v4Key]['NameServer'] = ''
        $state.registry[$v6Key]['NameServer'] = ''
    } else {
        $v4 = @($ServerAddresses | Where-Object { $_ -notmatch ':' })
        $v6 = @($ServerAddresses | Where-Object { $_ -match ':' })
        if ($v4.Count -gt 0) { $state.registry[$v4Key]['NameServer'] = ($v4 -join ',') }
        if ($v6.Count -gt 0) { $state.registry[$v6Key]['NameServer'] = ($v6 -join ',') }
    }
    Add-StandInCall -State $state -Name 'Set-DnsClientServerAddress' -Arguments @($InterfaceIndex, [bool]$ResetServerAddresses, @($ServerAddresses))
    Save-StandInState -State $state
}

function Get-DnsClientCache {
    [CmdletBinding()]
    param()
    @((Read-StandInState).dnsCache) | Where-Object { $null -ne $_ } | ForEach-Object { [pscustomobject]@{ Entry = $_ } }
}

function Clear-DnsClientCache {
    [CmdletBinding()]
    param()
    $state = Read-StandInState
    Assert-StandInWorks -State $state -Name 'Clear-DnsClientCache'
    $state['dnsCache'] = @()
    Add-StandInCall -State $state -Name 'Clear-DnsClientCache'
    Save-StandInState -State $state
}

# --- NetSecurity -----------------------------------------------------------------------------------------------

function Get-NetFirewallRule {
    [CmdletBinding()]
    param([string]$Group, [string]$Name, $AssociatedNetFirewallApplicationFilter)
    $state = Read-StandInState
    $rules = @($state.firewallRules) | Where-Object { $null -ne $_ }
    if ($PSBoundParameters.ContainsKey('Group')) { $rules = @($rules | Where-Object { $_.Group -eq $Group }) }
    if ($PSBoundParameters.ContainsKey('Name')) { $rules = @($rules | Where-Object { $_.Name -eq $Name }) }
    if ($null -ne $AssociatedNetFirewallApplicationFilter) {
        $rules = @($rules | Where-Object { $_.Name -eq $AssociatedNetFirewallApplicationFilter.RuleName })
    }
    if (@($rules).Count -eq 0) { Write-Error -Message 'No MSFT_NetFirewallRule objects found.' -Category ObjectNotFound; return }
    $rules | ConvertTo-StandInObject
}

function Get-NetFirewallApplicationFilter {
    [CmdletBinding()]
    param($AssociatedNetFirewallRule, [string]$Program)
    $state = Read-StandInState
    foreach ($rule in @($state.firewallRules) | Where-Object { $null -ne $_ }) {
        if ($null -ne $AssociatedNetFirewallRule -and $rule.Name -ne $AssociatedNetFirewallRule.Name) { continue }
        if ($PSBoundParameters.ContainsKey('Program') -and $rule.Program -ne $Program) { continue }
        [pscustomobject]@{ RuleName = $rule.Name; Program = $rule.Program }
    }
}

function New-NetFirewallRule {
    [CmdletBinding()]
    param([string]$Name, [string]$DisplayName, [string]$Description, [string]$Group, [string]$Direction, [string]$Action,
        [string]$Program, [string]$Profile, [string]$Enabled)
    $state = Read-StandInState
    Assert-StandInWorks -State $state -Name 'New-NetFirewallRule'
    if (@($state.firewallRules | Where-Object { $null -ne $_ -and $_.Name -eq $Name }).Count -gt 0) { throw "Rule '$Name' already exists." }
    $rule = [ordered]@{ Name = $Name; DisplayName = $DisplayName; Group = $Group; Direction = $Direction; Action = $Action
        Enabled = $Enabled; Profile = $Profile; Program = $Program }
    $state['firewallRules'] = @($state.firewallRules | Where-Object { $null -ne $_ }) + @(, $rule)
    Add-StandInCall -State $state -Name 'New-NetFirewallRule' -Arguments @($Name)
    Save-StandInState -State $state
    [pscustomobject]$rule
}

function Remove-NetFirewallRule {
    [CmdletBinding()]
    param([string]$Name)
    $state = Read-StandInState
    Assert-StandInWorks -State $state -Name 'Remove-NetFirewallRule'
    $state['firewallRules'] = @($state.firewallRules | Where-Object { $null -ne $_ -and $_.Name -ne $Name })
    Add-StandInCall -State $state -Name 'Remove-NetFirewallRule' -Arguments @($Name)
    Save-StandInState -State $state
}

function Get-NetFirewallProfile {
    [CmdletBinding()]
    param()
    @((Read-StandInState).firewallProfiles) | ConvertTo-StandInObject
}

# --- Defender --------------------------------------------------------------------------------------------------

function Get-MpPreference {
    [CmdletBinding()]
    param()
    $state = Read-StandInState
    Assert-StandInWorks -State $state -Name 'Get-MpPreference'
    if ($state.defenderHidesExclusions -and -not (Test-StandInAdmin)) {
        return [pscustomobject]@{ ExclusionProcess = @('N/A: Must be an administrator to view exclusions') }
    }
    [pscustomobject]@{ ExclusionProcess = @($state.exclusionProcess | Where-Object { $null -ne $_ }) }
}

function Add-MpPreference {
    [CmdletBinding()]
    param([string[]]$ExclusionProcess)
    $state = Read-StandInState
    Assert-StandInWorks -State $state -Name 'Add-MpPreference'
    if ($state.defenderHidesExclusions -and -not (Test-StandInAdmin)) { throw 'Access is denied. (You need to be an administrator to change Defender settings.)' }
    $state['exclusionProcess'] = @($state.exclusionProcess | Where-Object { $null -ne $_ }) + @($ExclusionProcess)
    Add-StandInCall -State $state -Name 'Add-MpPreference' -Arguments @($ExclusionProcess)
    Save-StandInState -State $state
}

function Remove-MpPreference {
    [CmdletBinding()]
    param([string[]]$ExclusionProcess)
    $state = Read-StandInState
    Assert-StandInWorks -State $state -Name 'Remove-MpPreference'
    if ($state.defenderHidesExclusions -and -not (Test-StandInAdmin)) { throw 'Access is denied. (You need to be an administrator to change Defender settings.)' }
    $state['exclusionProcess'] = @($state.exclusionProcess | Where-Object { $null -ne $_ -and $ExclusionProcess -notcontains $_ })
    Add-StandInCall -State $state -Name 'Remove-MpPreference' -Arguments @($ExclusionProcess)
    Save-StandInState -State $state
}

# --- Processes -------------------------------------------------------------------------------------------------

function Get-Process {
    [CmdletBinding()]
    param([string[]]$Name)
    $state = Read-StandInState
    $found = @(@($state.processes) | Where-Object { $null -ne $_ -and (-not $Name -or $Name -contains $_.ProcessName) })
    if ($found.Count -eq 0) { Write-Error -Message "Cannot find a process with the name `"$Name`"." -Category ObjectNotFound; return }
    $found | ConvertTo-StandInObject
}

function Stop-Process {
    [CmdletBinding()]
    param([int]$Id, [switch]$Force)
    $state = Read-StandInState
    Assert-StandInWorks -State $state -Name 'Stop-Process'
    $state['processes'] = @($state.processes | Where-Object { $null -ne $_ -and $_.Id -ne $Id })
    Add-StandInCall -State $state -Name 'Stop-Process' -Arguments @($Id)
    Save-StandInState -State $state
}

function Start-Process {
    [CmdletBinding()]
    param([string]$FilePath, [string]$WorkingDirectory, [string[]]$ArgumentList)
    $state = Read-StandInState
    Assert-StandInWorks -State $state -Name 'Start-Process'
    $leaf = [System.IO.Path]::GetFileNameWithoutExtension(($FilePath -split '[\\/]')[-1])
    $process = [ordered]@{ Id = 9000 + @($state.calls).Count; ProcessName = $leaf; Path = $FilePath }
    $state['processes'] = @($state.processes | Where-Object { $null -ne $_ }) + @(, $process)
    Add-StandInCall -State $state -Name 'Start-Process' -Arguments @($FilePath, $WorkingDirectory, @($ArgumentList))
    Save-StandInState -State $state
}

# --- Native tools ----------------------------------------------------------------------------------------------

function Get-StandInExitCode {
    <# Exit code configured for "tool args" (state.nativeExitCodes), default 0. #>
    [CmdletBinding()]
    param([Parameter(Mandatory)]$State, [Parameter(Mandatory)][string]$Command)
    if ($State.ContainsKey('nativeExitCodes') -and $null -ne $State.nativeExitCodes -and $State.nativeExitCodes.ContainsKey($Command)) {
        return [int]$State.nativeExitCodes[$Command]
    }
    0
}

function netsh {
    $state = Read-StandInState
    Add-StandInCall -State $state -Name 'netsh' -Arguments @($args)
    Save-StandInState -State $state
    $global:LASTEXITCODE = Get-StandInExitCode -State $state -Command ('netsh ' + ($args -join ' '))
    if ($global:LASTEXITCODE -ne 0) { return 'The requested operation requires elevation (Run as administrator).' }
    if (($args -join ' ') -eq 'wlan show interfaces') { return @($state.wlanOutput) }
    'Ok.'
}

function ipconfig {
    $state = Read-StandInState
    Add-StandInCall -State $state -Name 'ipconfig' -Arguments @($args)
    Save-StandInState -State $state
    $global:LASTEXITCODE = Get-StandInExitCode -State $state -Command ('ipconfig ' + ($args -join ' '))
    if ($global:LASTEXITCODE -ne 0) { return 'An error occurred while releasing interface Ethernet : The system cannot find the file specified.' }
    'Windows IP Configuration'
}

Export-ModuleMember -Function *
