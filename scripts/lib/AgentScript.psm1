#Requires -Version 5.1
<#
.SYNOPSIS
    Shared helpers for the agent's scripts: the result file contract, params, registry and native tools.
.DESCRIPTION
    Every script in scripts\ builds one result with New-AgentResult, records what it did (Add-AgentChange) or
    would do (Add-AgentPlan), and always writes it with Save-AgentResult in a finally block. The result file is
    the only contract with the TypeScript engine; nothing goes to the pipeline.
    Functions here never see the caller's -WhatIf: module functions do not inherit a script's preference
    variables, and none of them changes system state except Invoke-AgentNative, which callers wrap in
    ShouldProcess.
    Arrays: functions emit elements and callers collect them with @(...). Never `return ,$array`: a wrapped array
    serialises as {"value":[...],"Count":n} under Windows PowerShell 5.1.
#>
Set-StrictMode -Version 3.0

# Every agent-owned firewall rule lives in this group and carries this name prefix (undo deletes only these).
$script:FirewallGroup = 'Tarkov Connection Agent'
$script:FirewallPrefix = 'TarkovAgent-'

# ConvertTo-Json replaces anything nested deeper than -Depth with its type name (or joins an array into one
# string), and Windows PowerShell 5.1 does so without a warning. The deepest result today nests 6 levels
# (Get-AgentNetworkSnapshot: data.adapters[].dns.ipv4.servers); 12 leaves room, and Save-AgentResult measures
# every result against it so a deeper one is reported (AgentResultTooDeep) instead of silently cut.
$script:ResultDepth = 12

# InterfaceDescription patterns of adapters that are never touched by DNS changes (VPNs and virtual switches).
$script:VirtualAdapterPatterns = @(
    '*TAP-Windows*', '*TAP-*', '*Wintun*', '*WireGuard*', '*Hyper-V*', '*VirtualBox*', '*VMware*',
    '*WAN Miniport*', '*Npcap*', '*Loopback*', '*Tailscale*', '*ZeroTier*', '*OpenVPN*', '*Fortinet*',
    '*Cisco AnyConnect*', '*Juniper*', '*Pulse Secure*', '*NordLynx*', '*ProtonVPN*', '*Mullvad*',
    '*Radmin VPN*', '*Hamachi*', '*Virtual*', '*vEthernet*', '*Bluetooth*', '*Teredo*', '*ISATAP*', '*6to4*'
)

function New-AgentResult {
    <#
    .SYNOPSIS Creates the result object that Save-AgentResult writes (schema 1).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][string]$Script,
        [Parameter(Mandatory)][ValidateSet('Apply', 'Undo', 'Read')][string]$Mode,
        [switch]$DryRun
    )
    $now = Get-Date
    [ordered]@{
        schema       = 1
        script       = $Script
        mode         = $Mode
        whatIf       = [bool]$DryRun
        status       = $null
        changes      = New-Object System.Collections.ArrayList
        plan         = New-Object System.Collections.ArrayList
        before       = $null
        after        = $null
        data         = $null
        rebootNeeded = $false
        error        = $null
        startedAt    = $now.ToUniversalTime().ToString('o')
        durationMs   = 0
        _stopwatch   = [System.Diagnostics.Stopwatch]::StartNew()
    }
}

function Add-AgentChange {
    <#
    .SYNOPSIS Records one change that was made (plain words, shown to the player).
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)]$Result, [Parameter(Mandatory)][string]$Text)
    [void]$Result.changes.Add($Text)
}

function Add-AgentPlan {
    <#
    .SYNOPSIS Records one step the script is about to take (this is what -WhatIf reports).
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)]$Result, [Parameter(Mandatory)][string]$Text)
    [void]$Result.plan.Add($Text)
}

function Set-AgentSkipped {
    <#
    .SYNOPSIS Marks the run as Skipped; the reason goes to data.reason.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)]$Result, [Parameter(Mandatory)][string]$Reason)
    $Result.status = 'Skipped'
    if ($null -eq $Result.data) { $Result.data = [ordered]@{} }
    $Result.data['reason'] = $Reason
}

function Set-AgentError {
    <#
    .SYNOPSIS Marks the run as Failed from an ErrorRecord (message, category, fully qualified id).
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)]$Result, [Parameter(Mandatory)]$ErrorRecord)
    $message = $ErrorRecord.Exception.Message
    $Result.status = 'Failed'
    $Result.error = [ordered]@{
        message               = [string]$message
        category              = [string]$ErrorRecord.CategoryInfo.Category
        fullyQualifiedErrorId = [string]$ErrorRecord.FullyQualifiedErrorId
    }
}

function Measure-AgentNesting {
    <#
    .SYNOPSIS The deepest container level in a result (the root is 0), counted the way ConvertTo-Json -Depth does.
    #>
    [CmdletBinding()]
    param([AllowNull()]$InputObject, [int]$Level = 0)
    if ($null -eq $InputObject -or $InputObject -is [string] -or $InputObject -is [System.ValueType]) { return -1 }
    if ($Level -gt 100) { return $Level }
    $children = $null
    if ($InputObject -is [System.Collections.IDictionary]) {
        $children = @($InputObject.Values)
    } elseif ($InputObject -is [System.Collections.IEnumerable]) {
        $children = @($InputObject)
    } elseif ($InputObject -is [System.Management.Automation.PSCustomObject]) {
        $children = @($InputObject.PSObject.Properties | ForEach-Object { $_.Value })
    } else {
        return $Level
    }
    $deepest = $Level
    foreach ($child in $children) {
        $inner = Measure-AgentNesting -InputObject $child -Level ($Level + 1)
        if ($inner -gt $deepest) { $deepest = $inner }
    }
    $deepest
}

function Save-AgentResult {
    <#
    .SYNOPSIS Settles the status and writes the result as UTF-8 JSON without BOM (immune to -WhatIf).
    .DESCRIPTION
        Status: Failed/Skipped if already set; otherwise WouldChange (dry run with a plan), Changed (changes
        recorded) or NoChange.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)]$Result, [Parameter(Mandatory)][string]$Path)
    if ($null -eq $Result.status) {
        if ($Result.mode -eq 'Read') {
            $Result.status = 'NoChange'
        } elseif ($Result.whatIf) {
            if ($Result.plan.Count -gt 0) { $Result.status = 'WouldChange' } else { $Result.status = 'NoChange' }
        } elseif ($Result.changes.Count -gt 0) {
            $Result.status = 'Changed'
        } else {
            $Result.status = 'NoChange'
        }
    }
    $out = [ordered]@{}
    foreach ($key in @($Result.Keys)) {
        if ($key -eq '_stopwatch') { continue }
        $out[$key] = $Result[$key]
    }
    $out['changes'] = [object[]]$Result.changes.ToArray()
    $out['plan'] = [object[]]$Result.plan.ToArray()
    $out['durationMs'] = [int]$Result._stopwatch.ElapsedMilliseconds
    $nesting = Measure-AgentNesting -InputObject $out
    $depthWarnings = $null
    $json = ConvertTo-Json -InputObject $out -Depth $script:ResultDepth -WarningVariable depthWarnings -WarningAction SilentlyContinue
    if ($nesting -gt $script:ResultDepth -or @($depthWarnings).Count -gt 0) {
        # The TS side refuses such a result (PS_CONTRACT) and re-checks the real state instead of trusting it.
        $own = ''
        if ($null -ne $out['error']) { $own = " The script's own error: $($out['error'].message)" }
        $out['error'] = [ordered]@{
            message               = "The result nests $nesting levels deep; only $($script:ResultDepth) fit in the result file, so parts of it were cut.$own"
            category              = 'LimitsExceeded'
            fullyQualifiedErrorId = 'AgentResultTooDeep'
        }
        $json = ConvertTo-Json -InputObject $out -Depth $script:ResultDepth -WarningAction SilentlyContinue
    }
    [System.IO.File]::WriteAllText($Path, $json, (New-Object System.Text.UTF8Encoding $false))
}

function Read-AgentParams {
    <#
    .SYNOPSIS Reads the params file (UTF-8 JSON). Values from it are data only: never code, never command text.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$Path)
    $raw = Get-Content -LiteralPath $Path -Raw -Encoding UTF8
    if ([string]::IsNullOrWhiteSpace($raw)) { return [pscustomobject]@{} }
    $raw | ConvertFrom-Json
}

function Get-AgentParam {
    <#
    .SYNOPSIS Returns a property of the params object, or $Default when it is absent (StrictMode-safe).
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][AllowNull()]$Params, [Parameter(Mandatory)][string]$Name, $Default = $null)
    if ($null -eq $Params) { return $Default }
    $prop = $Params.PSObject.Properties[$Name]
    if ($null -eq $prop -or $null -eq $prop.Value) { return $Default }
    $prop.Value
}

function Get-AgentProperty {
    <#
    .SYNOPSIS Returns a property of any object or $null when absent (CIM objects differ between builds).
    #>
    [CmdletBinding()]
    param([AllowNull()]$InputObject, [Parameter(Mandatory)][string]$Name)
    if ($null -eq $InputObject) { return $null }
    $prop = $InputObject.PSObject.Properties[$Name]
    if ($null -eq $prop) { return $null }
    $prop.Value
}

function Get-AgentRegistryValue {
    <#
    .SYNOPSIS Reads one registry value through Get-ItemProperty; $null when the key or value is absent.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$Path, [Parameter(Mandatory)][string]$Name)
    $item = Get-ItemProperty -LiteralPath $Path -ErrorAction SilentlyContinue
    if ($null -eq $item) { return $null }
    Get-AgentProperty -InputObject $item -Name $Name
}

function ConvertTo-AgentServerList {
    <#
    .SYNOPSIS Splits a registry NameServer string ("1.1.1.1,1.0.0.1" or space separated) into an ordered list.
    #>
    [CmdletBinding()]
    param([AllowNull()]$Value)
    if ($null -eq $Value) { return }
    foreach ($part in ([string]$Value -split '[,\s]+')) {
        if ($part.Length -gt 0) { $part }
    }
}

function Get-AgentDnsSnapshot {
    <#
    .SYNOPSIS Exact DNS configuration of one adapter, per family, read from the registry.
    .DESCRIPTION
        Get-DnsClientServerAddress returns the servers in use whether they came from DHCP or were typed in, so it
        cannot drive an exact undo. The registry can: a non-empty NameServer value is a static list (in order);
        an empty one means the family takes its servers from DHCP (IPv4) or DHCPv6/RA (IPv6).
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)]$Adapter)
    $guid = [string](Get-AgentProperty -InputObject $Adapter -Name 'InterfaceGuid')
    $v4Key = 'HKLM:\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters\Interfaces\' + $guid
    $v6Key = 'HKLM:\SYSTEM\CurrentControlSet\Services\Tcpip6\Parameters\Interfaces\' + $guid
    $v4Static = @(ConvertTo-AgentServerList (Get-AgentRegistryValue -Path $v4Key -Name 'NameServer'))
    $v4Dhcp = @(ConvertTo-AgentServerList (Get-AgentRegistryValue -Path $v4Key -Name 'DhcpNameServer'))
    $v6Static = @(ConvertTo-AgentServerList (Get-AgentRegistryValue -Path $v6Key -Name 'NameServer'))
    $v4Source = 'Dhcp'
    if ($v4Static.Count -gt 0) { $v4Source = 'Static' }
    $v6Source = 'Dhcp'
    if ($v6Static.Count -gt 0) { $v6Source = 'Static' }
    [ordered]@{
        interfaceIndex = [int](Get-AgentProperty -InputObject $Adapter -Name 'InterfaceIndex')
        interfaceAlias = [string](Get-AgentProperty -InputObject $Adapter -Name 'Name')
        interfaceGuid  = $guid
        ipv4           = [ordered]@{ source = $v4Source; servers = [object[]]$v4Static; dhcpServers = [object[]]$v4Dhcp }
        ipv6           = [ordered]@{ source = $v6Source; servers = [object[]]$v6Static }
    }
}

function Test-AgentVirtualAdapter {
    <#
    .SYNOPSIS True for VPN, tunnel and virtual adapters (never touched by DNS changes).
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)]$Adapter)
    if ((Get-AgentProperty -InputObject $Adapter -Name 'Virtual') -eq $true) { return $true }
    if ((Get-AgentProperty -InputObject $Adapter -Name 'HardwareInterface') -eq $false) { return $true }
    $text = [string](Get-AgentProperty -InputObject $Adapter -Name 'InterfaceDescription') + ' ' +
        [string](Get-AgentProperty -InputObject $Adapter -Name 'Name')
    foreach ($pattern in $script:VirtualAdapterPatterns) {
        if ($text -like $pattern) { return $true }
    }
    $false
}

function Get-AgentDefaultRoute {
    <#
    .SYNOPSIS IPv4/IPv6 default routes, best (lowest route + interface metric) first.
    #>
    [CmdletBinding()]
    param()
    $routes = @()
    foreach ($prefix in @('0.0.0.0/0', '::/0')) {
        $routes += @(Get-NetRoute -DestinationPrefix $prefix -ErrorAction SilentlyContinue)
    }
    $routes | Sort-Object -Property @{ Expression = {
            [int](Get-AgentProperty -InputObject $_ -Name 'RouteMetric') + [int](Get-AgentProperty -InputObject $_ -Name 'InterfaceMetric')
        }
    }
}

function Get-AgentActivePhysicalAdapter {
    <#
    .SYNOPSIS Adapters that are Up, physical (not VPN/virtual) and hold a default route.
    #>
    [CmdletBinding()]
    param()
    $routeIndexes = @(Get-AgentDefaultRoute | ForEach-Object { [int]$_.InterfaceIndex } | Select-Object -Unique)
    foreach ($adapter in @(Get-NetAdapter -ErrorAction Stop)) {
        if ([string]$adapter.Status -ne 'Up') { continue }
        if (Test-AgentVirtualAdapter -Adapter $adapter) { continue }
        if ($routeIndexes -notcontains [int]$adapter.InterfaceIndex) { continue }
        $adapter
    }
}

function Invoke-AgentNative {
    <#
    .SYNOPSIS Runs netsh or ipconfig with arguments as separate tokens; returns exitCode and output lines.
    .DESCRIPTION
        Under $ErrorActionPreference = 'Stop', native stderr redirected with 2>&1 becomes a terminating error, so
        the call runs under a local 'Continue' and is judged by $LASTEXITCODE alone. The tool name is one of a
        fixed set; it is never taken from params.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][ValidateSet('netsh', 'ipconfig')][string]$Tool,
        [Parameter(Mandatory)][string[]]$ArgumentList
    )
    $ErrorActionPreference = 'Continue'
    $global:LASTEXITCODE = 0
    $output = $null
    switch ($Tool) {
        'netsh' { $output = & netsh @ArgumentList 2>&1 }
        'ipconfig' { $output = & ipconfig @ArgumentList 2>&1 }
    }
    $code = $LASTEXITCODE
    [ordered]@{
        command  = $Tool + ' ' + ($ArgumentList -join ' ')
        exitCode = [int]$code
        output   = [object[]]@($output | ForEach-Object { [string]$_ } | Where-Object { $_.Trim().Length -gt 0 })
    }
}

function Test-AgentProgramPath {
    <#
    .SYNOPSIS Checks that a program path is absolute, has no wildcards and ends in one of the allowed file names.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][AllowEmptyString()][string]$Path, [Parameter(Mandatory)][string[]]$AllowedNames)
    if ($Path.Length -eq 0 -or $Path.Length -gt 400) { return $false }
    if ($Path.IndexOfAny([char[]]'*?"<>|') -ge 0) { return $false }
    if ($Path -match '[\x00-\x1f]') { return $false }
    if (-not ($Path -match '^[A-Za-z]:\\' -or $Path.StartsWith('/'))) { return $false }
    $leaf = ($Path -split '[\\/]')[-1]
    foreach ($name in $AllowedNames) {
        if ($leaf -ieq $name) { return $true }
    }
    $false
}

function Get-AgentFirewallGroup {
    <#
    .SYNOPSIS The rule group every agent-owned firewall rule belongs to.
    #>
    [CmdletBinding()]
    param()
    $script:FirewallGroup
}

function Get-AgentFirewallPrefix {
    <#
    .SYNOPSIS The name prefix every agent-owned firewall rule carries.
    #>
    [CmdletBinding()]
    param()
    $script:FirewallPrefix
}

function ConvertTo-AgentRuleInfo {
    <#
    .SYNOPSIS Plain snapshot of one firewall rule plus its program filter.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)]$Rule)
    $filter = @(Get-NetFirewallApplicationFilter -AssociatedNetFirewallRule $Rule -ErrorAction SilentlyContinue)
    $program = $null
    if ($filter.Count -gt 0) { $program = [string](Get-AgentProperty -InputObject $filter[0] -Name 'Program') }
    [ordered]@{
        name        = [string]$Rule.Name
        displayName = [string](Get-AgentProperty -InputObject $Rule -Name 'DisplayName')
        group       = [string](Get-AgentProperty -InputObject $Rule -Name 'Group')
        direction   = [string]$Rule.Direction
        action      = [string]$Rule.Action
        enabled     = ([string]$Rule.Enabled -eq 'True')
        profile     = [string](Get-AgentProperty -InputObject $Rule -Name 'Profile')
        program     = $program
        owned       = ([string](Get-AgentProperty -InputObject $Rule -Name 'Group') -eq $script:FirewallGroup -and
            ([string]$Rule.Name).StartsWith($script:FirewallPrefix))
    }
}

function Get-AgentProgramRule {
    <#
    .SYNOPSIS Firewall rules whose application filter names the given program (HellbombScript's method).
    .DESCRIPTION
        Found through the application filters, so rules are matched whatever they are called. Rules that refer to
        the program through environment variables (%ProgramFiles%\...) are not matched by this exact-path filter.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$Program)
    foreach ($filter in @(Get-NetFirewallApplicationFilter -Program $Program -ErrorAction SilentlyContinue)) {
        foreach ($rule in @(Get-NetFirewallRule -AssociatedNetFirewallApplicationFilter $filter -ErrorAction SilentlyContinue)) {
            ConvertTo-AgentRuleInfo -Rule $rule
        }
    }
}

function Join-AgentPath {
    <#
    .SYNOPSIS Joins two file path parts without touching the disk; $null when the parts cannot form a path.
    .DESCRIPTION
        Join-Path checks that the drive exists (a config folder on a removed drive would throw), and .NET
        Framework's Path.Combine throws on characters that cannot be in a path; both mean "no such file" here.
    #>
    [CmdletBinding()]
    param([AllowNull()][AllowEmptyString()][string]$Parent, [Parameter(Mandatory)][string]$Child)
    if ([string]::IsNullOrEmpty($Parent)) { return $null }
    try { [System.IO.Path]::Combine($Parent, $Child) } catch { $null }
}

function Get-AgentExistingFile {
    <#
    .SYNOPSIS The path when it names an existing file, else $null.
    #>
    [CmdletBinding()]
    param([AllowNull()][AllowEmptyString()][string]$Path)
    if ([string]::IsNullOrEmpty($Path)) { return $null }
    try {
        if (Test-Path -LiteralPath $Path -PathType Leaf) { return $Path }
    } catch {
        # Windows PowerShell 5.1 throws on characters that cannot be in a path; such a path names no file.
        return $null
    }
    $null
}

function Get-AgentLauncherSetting {
    <#
    .SYNOPSIS gamesRootDir from the launcher's settings file, and nothing else: the file holds auth tokens.
    #>
    [CmdletBinding()]
    param()
    $appData = [Environment]::GetEnvironmentVariable('APPDATA')
    $out = [ordered]@{ settingsFound = $false; settingsReadable = $false; gamesRootDir = $null }
    if ([string]::IsNullOrEmpty($appData)) { return $out }
    $path = Join-Path (Join-Path (Join-Path $appData 'Battlestate Games') 'BsgLauncher') 'settings'
    if (-not (Test-Path -LiteralPath $path -PathType Leaf)) { return $out }
    $out.settingsFound = $true
    try {
        $settings = Get-Content -LiteralPath $path -Raw -Encoding UTF8 | ConvertFrom-Json
        $root = Get-AgentProperty -InputObject $settings -Name 'gamesRootDir'
        if ($root -is [string] -and $root.Length -gt 0) { $out.gamesRootDir = $root }
        $out.settingsReadable = $true
    } catch {
        # Deliberately no exception text: a JSON error message quotes the file, and the file holds tokens.
        $out.settingsReadable = $false
    }
    $out
}

function Find-AgentEftInstall {
    <#
    .SYNOPSIS Finds the EFT install (BSG and Steam editions) and the launcher; see Get-AgentEftInstall.ps1.
    .DESCRIPTION
        Uninstall keys "EscapeFromTarkov" and "Steam App 3932890" in HKLM (WOW6432Node and 64-bit views, as seen
        by the 64-bit powershell.exe the agent runs) and HKCU; InstallLocation. The launcher is looked for at the
        running BsgLauncher process, next to the game folder, under the launcher's gamesRootDir and at the default
        <SystemDrive>\Battlestate Games\BsgLauncher.
    #>
    [CmdletBinding()]
    param([AllowNull()][AllowEmptyString()][string]$InstallDir)
    $roots = @(
        'HKLM:\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall',
        'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall',
        'HKCU:\Software\Microsoft\Windows\CurrentVersion\Uninstall'
    )
    $keys = @(
        @{ Name = 'EscapeFromTarkov'; Edition = 'bsg' },
        @{ Name = 'Steam App 3932890'; Edition = 'steam' }
    )
    $candidates = New-Object System.Collections.ArrayList
    if (-not [string]::IsNullOrEmpty($InstallDir)) {
        [void]$candidates.Add([ordered]@{ edition = 'config'; registryKey = $null; installLocation = $InstallDir; displayVersion = $null })
    }
    foreach ($root in $roots) {
        foreach ($key in $keys) {
            $path = $root + '\' + $key.Name
            $location = Get-AgentRegistryValue -Path $path -Name 'InstallLocation'
            if ($null -eq $location -or [string]$location -eq '') { continue }
            [void]$candidates.Add([ordered]@{
                    edition         = $key.Edition
                    registryKey     = $path
                    installLocation = ([string]$location).Trim().Trim('"').TrimEnd('\', '/')
                    displayVersion  = [string](Get-AgentRegistryValue -Path $path -Name 'DisplayVersion')
                })
        }
    }
    foreach ($candidate in $candidates) {
        $candidate['gameExe'] = Get-AgentExistingFile -Path (Join-AgentPath $candidate.installLocation 'EscapeFromTarkov.exe')
        $candidate['battlEyeExe'] = Get-AgentExistingFile -Path (Join-AgentPath $candidate.installLocation 'EscapeFromTarkov_BE.exe')
    }
    $game = $candidates | Where-Object { $null -ne $_.gameExe } | Select-Object -First 1
    if ($null -eq $game -and $candidates.Count -gt 0) { $game = $candidates[0] }

    $settings = Get-AgentLauncherSetting
    $launcherCandidates = New-Object System.Collections.ArrayList
    foreach ($process in @(Get-Process -Name 'BsgLauncher' -ErrorAction SilentlyContinue)) {
        $processPath = Get-AgentProperty -InputObject $process -Name 'Path'
        if ($null -ne $processPath) { [void]$launcherCandidates.Add([string]$processPath) }
    }
    if ($null -ne $game) {
        $parent = $null
        try { $parent = [System.IO.Path]::GetDirectoryName($game.installLocation) } catch { $parent = $null }
        $candidate = Join-AgentPath (Join-AgentPath $parent 'BsgLauncher') 'BsgLauncher.exe'
        if ($null -ne $candidate) { [void]$launcherCandidates.Add($candidate) }
    }
    if ($null -ne $settings.gamesRootDir) {
        $candidate = Join-AgentPath (Join-AgentPath $settings.gamesRootDir 'BsgLauncher') 'BsgLauncher.exe'
        if ($null -ne $candidate) { [void]$launcherCandidates.Add($candidate) }
    }
    $systemDrive = [Environment]::GetEnvironmentVariable('SystemDrive')
    if ($systemDrive) { [void]$launcherCandidates.Add($systemDrive + '\Battlestate Games\BsgLauncher\BsgLauncher.exe') }
    $launcherPath = $null
    foreach ($candidate in $launcherCandidates) {
        $launcherPath = Get-AgentExistingFile -Path $candidate
        if ($null -ne $launcherPath) { break }
    }

    $programs = New-Object System.Collections.ArrayList
    if ($null -ne $game) {
        foreach ($exe in @($game.gameExe, $game.battlEyeExe)) { if ($null -ne $exe) { [void]$programs.Add($exe) } }
    }
    if ($null -ne $launcherPath) { [void]$programs.Add($launcherPath) }

    [ordered]@{
        game       = $game
        candidates = [object[]]$candidates.ToArray()
        launcher   = [ordered]@{
            path             = $launcherPath
            gamesRootDir     = $settings.gamesRootDir
            settingsFound    = $settings.settingsFound
            settingsReadable = $settings.settingsReadable
        }
        programs   = [object[]]$programs.ToArray()
    }
}

function Resolve-AgentEftProgram {
    <#
    .SYNOPSIS Turns program entries (bare names like "EscapeFromTarkov.exe" or absolute paths) into full paths.
    .DESCRIPTION
        Bare names are looked up in the install (InstallDir first, then Find-AgentEftInstall). Emits one
        { name, path } per entry; path is $null when the program was not found. Throws on a name outside
        AllowedNames or a malformed path.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][AllowEmptyCollection()][object[]]$Entries,
        [Parameter(Mandatory)][string[]]$AllowedNames,
        [AllowNull()][AllowEmptyString()][string]$InstallDir
    )
    $install = $null
    foreach ($entry in $Entries) {
        $text = [string]$entry
        $isName = $false
        foreach ($name in $AllowedNames) { if ($text -ieq $name) { $isName = $true; $text = $name } }
        if ($isName) {
            if ($null -eq $install) { $install = Find-AgentEftInstall -InstallDir $InstallDir }
            $path = $null
            if ($text -ieq 'BsgLauncher.exe') {
                $path = $install.launcher.path
            } elseif ($null -ne $install.game) {
                $path = Get-AgentExistingFile -Path (Join-AgentPath $install.game.installLocation $text)
            }
            [ordered]@{ name = $text; path = $path }
        } elseif (Test-AgentProgramPath -Path $text -AllowedNames $AllowedNames) {
            [ordered]@{ name = ($text -split '[\\/]')[-1]; path = $text }
        } else {
            throw "Expected one of $($AllowedNames -join ', ') or an absolute path ending in one of them, got '$text'."
        }
    }
}

Export-ModuleMember -Function @(
    'New-AgentResult', 'Add-AgentChange', 'Add-AgentPlan', 'Set-AgentSkipped', 'Set-AgentError', 'Save-AgentResult',
    'Measure-AgentNesting',
    'Read-AgentParams', 'Get-AgentParam', 'Get-AgentProperty', 'Get-AgentRegistryValue', 'ConvertTo-AgentServerList',
    'Get-AgentDnsSnapshot', 'Test-AgentVirtualAdapter', 'Get-AgentDefaultRoute', 'Get-AgentActivePhysicalAdapter',
    'Invoke-AgentNative', 'Test-AgentProgramPath', 'Get-AgentFirewallGroup', 'Get-AgentFirewallPrefix',
    'ConvertTo-AgentRuleInfo', 'Get-AgentProgramRule', 'Get-AgentExistingFile', 'Get-AgentLauncherSetting',
    'Find-AgentEftInstall', 'Resolve-AgentEftProgram', 'Join-AgentPath'
)
