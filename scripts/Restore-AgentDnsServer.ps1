#Requires -Version 5.1
<#
.SYNOPSIS
    Puts back the exact DNS configuration captured by Set-AgentDnsServer.ps1 (fix "restore-dns").
.DESCRIPTION
    Per adapter and per family: a family that was DHCP goes back to DHCP (-ResetServerAddresses); a family that
    was static gets the same list in the same order. Adapters are found by interface GUID, which survives
    reboots (the interface index does not). Adapters that no longer exist are listed in data.missingAdapters.
    Params (JSON): { "snapshot": <the "before" object of a Set-AgentDnsServer result>, "fixId", "applied",
    "params" (ignored) }. "before" is accepted in place of "snapshot".
.PARAMETER ParamsPath
    JSON inputs (UTF-8), see above.
.PARAMETER ResultPath
    Receives the JSON result (UTF-8, no BOM).
.OUTPUTS
    Nothing on the pipeline.
#>
[CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
param(
    [Parameter(Mandatory)][ValidateNotNullOrEmpty()][string]$ParamsPath,
    [Parameter(Mandatory)][ValidateNotNullOrEmpty()][string]$ResultPath
)
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
Import-Module -Name (Join-Path (Join-Path $PSScriptRoot 'lib') 'AgentScript.psm1') -Force

function Get-SavedFamily {
    <# Validates one saved family ({ source, servers }) and returns it as source + checked server list. #>
    param($Saved, [string]$Family, [string]$Adapter)
    $source = [string](Get-AgentProperty -InputObject $Saved -Name 'source')
    if ($source -ne 'Static' -and $source -ne 'Dhcp') {
        throw "Expected $Family source 'Static' or 'Dhcp' for adapter $Adapter in the snapshot, got '$source'."
    }
    $servers = @(Get-AgentProperty -InputObject $Saved -Name 'servers' | Where-Object { $null -ne $_ })
    foreach ($server in $servers) {
        $parsed = $null
        if (-not [System.Net.IPAddress]::TryParse([string]$server, [ref]$parsed)) {
            throw "Expected IP addresses in the $Family snapshot of adapter $Adapter, got '$server'."
        }
    }
    if ($source -eq 'Static' -and $servers.Count -eq 0) {
        throw "Expected a server list for the static $Family snapshot of adapter $Adapter, got none."
    }
    [ordered]@{ source = $source; servers = [string[]]$servers }
}

$result = New-AgentResult -Script 'Restore-AgentDnsServer' -Mode 'Undo' -DryRun:$WhatIfPreference
try {
    $params = Read-AgentParams -Path $ParamsPath
    # The engine's undo envelope is { fixId, snapshot, applied, params }; "snapshot" is the apply's "before".
    $saved = Get-AgentParam -Params $params -Name 'snapshot'
    if ($null -eq $saved) { $saved = Get-AgentParam -Params $params -Name 'before' }
    if ($null -eq $saved) { throw 'Expected params.snapshot (the before object from Set-AgentDnsServer), got none.' }
    $savedAdapters = @(Get-AgentParam -Params $saved -Name 'adapters' -Default @())

    $adapters = @(Get-NetAdapter -ErrorAction Stop)
    $work = New-Object System.Collections.ArrayList
    $missing = New-Object System.Collections.ArrayList
    foreach ($entry in $savedAdapters) {
        $guid = [string](Get-AgentProperty -InputObject $entry -Name 'interfaceGuid')
        if ($guid -notmatch '^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$') {
            throw "Expected an interface GUID like {xxxxxxxx-...} in the snapshot, got '$guid'."
        }
        $v4 = Get-SavedFamily -Saved (Get-AgentProperty -InputObject $entry -Name 'ipv4') -Family 'IPv4' -Adapter $guid
        $v6 = Get-SavedFamily -Saved (Get-AgentProperty -InputObject $entry -Name 'ipv6') -Family 'IPv6' -Adapter $guid
        $adapter = $adapters | Where-Object { [string]$_.InterfaceGuid -eq $guid } | Select-Object -First 1
        if ($null -eq $adapter) {
            $alias = [string](Get-AgentProperty -InputObject $entry -Name 'interfaceAlias')
            [void]$missing.Add([ordered]@{ interfaceGuid = $guid; interfaceAlias = $alias })
            continue
        }
        [void]$work.Add(@($adapter, $v4, $v6))
    }

    $result.before = [ordered]@{ adapters = [object[]]@(foreach ($item in $work) { Get-AgentDnsSnapshot -Adapter $item[0] }) }
    foreach ($item in $work) {
        $adapter = $item[0]
        $v4 = $item[1]
        $v6 = $item[2]
        $current = Get-AgentDnsSnapshot -Adapter $adapter
        $okV4 = ($current.ipv4.source -eq $v4.source) -and ((@($current.ipv4.servers) -join ',') -eq ($v4.servers -join ','))
        $okV6 = ($current.ipv6.source -eq $v6.source) -and ((@($current.ipv6.servers) -join ',') -eq ($v6.servers -join ','))
        if ($okV4 -and $okV6) { continue }
        $target = "adapter '$($adapter.Name)' (ifIndex $($adapter.InterfaceIndex))"
        # -ResetServerAddresses clears both families, so it runs first and the static families are set after it.
        $needReset = ($v4.source -eq 'Dhcp' -and $current.ipv4.source -eq 'Static') -or
            ($v6.source -eq 'Dhcp' -and $current.ipv6.source -eq 'Static')
        $static = @()
        if ($v4.source -eq 'Static') { $static = @($static) + @($v4.servers) }
        if ($v6.source -eq 'Static') { $static = @($static) + @($v6.servers) }
        if ($needReset) {
            $action = 'Reset DNS servers to DHCP-assigned'
            Add-AgentPlan -Result $result -Text "$action on $target"
            if ($PSCmdlet.ShouldProcess($target, $action)) {
                Set-DnsClientServerAddress -InterfaceIndex ([int]$adapter.InterfaceIndex) -ResetServerAddresses -ErrorAction Stop
                Add-AgentChange -Result $result -Text "DNS on '$($adapter.Name)' reset to DHCP-assigned"
            }
        }
        if ($static.Count -gt 0) {
            $action = "Set static DNS servers $($static -join ', ')"
            Add-AgentPlan -Result $result -Text "$action on $target"
            if ($PSCmdlet.ShouldProcess($target, $action)) {
                $splat = @{
                    InterfaceIndex  = [int]$adapter.InterfaceIndex
                    ServerAddresses = [string[]]$static
                    ErrorAction     = 'Stop'
                }
                Set-DnsClientServerAddress @splat
                Add-AgentChange -Result $result -Text "DNS on '$($adapter.Name)' restored to $($static -join ', ')"
            }
        }
    }
    $result.after = [ordered]@{ adapters = [object[]]@(foreach ($item in $work) { Get-AgentDnsSnapshot -Adapter $item[0] }) }
    $result.data = [ordered]@{ missingAdapters = [object[]]$missing.ToArray() }
} catch {
    $caught = $_
    Set-AgentError -Result $result -ErrorRecord $caught
} finally {
    Save-AgentResult -Result $result -Path $ResultPath
}
