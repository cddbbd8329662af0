#Requires -Version 5.1
<#
.SYNOPSIS
    Releases and renews the DHCP lease of the active adapter only (fix "renew-ip").
.DESCRIPTION
    The active adapter is the one holding the best default route. If params name an adapter (index or alias) it
    must be that adapter. Skipped when the adapter has a static IPv4 address or is a VPN/virtual adapter.
    ipconfig gets the adapter's own name (read from Windows, never from params) as a separate argument.
    Not reversible: the result's before/after carry the IPv4 addresses for the journal only.
    Params (JSON): { "interfaceIndex": int (optional), "interfaceAlias": string (optional) }
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

function Get-LeaseState {
    <# IPv4 addresses and DHCP state of one interface. #>
    param([int]$Index, [string]$Alias)
    $ipInterface = Get-NetIPInterface -InterfaceIndex $Index -AddressFamily IPv4 -ErrorAction Stop | Select-Object -First 1
    $addresses = @(Get-NetIPAddress -InterfaceIndex $Index -AddressFamily IPv4 -ErrorAction SilentlyContinue |
            ForEach-Object { [string]$_.IPAddress })
    [ordered]@{
        interfaceIndex = $Index
        interfaceAlias = $Alias
        dhcp           = ([string]$ipInterface.Dhcp -eq 'Enabled')
        ipv4Addresses  = [object[]]$addresses
    }
}

$result = New-AgentResult -Script 'Update-AgentDhcpLease' -Mode 'Apply' -DryRun:$WhatIfPreference
try {
    $params = Read-AgentParams -Path $ParamsPath
    $wantIndex = Get-AgentParam -Params $params -Name 'interfaceIndex'
    $wantAlias = Get-AgentParam -Params $params -Name 'interfaceAlias'

    $adapters = @(Get-NetAdapter -ErrorAction Stop | Where-Object { [string]$_.Status -eq 'Up' })
    $active = $null
    foreach ($route in @(Get-AgentDefaultRoute)) {
        $active = $adapters | Where-Object { [int]$_.InterfaceIndex -eq [int]$route.InterfaceIndex } | Select-Object -First 1
        if ($null -ne $active) { break }
    }
    if ($null -eq $active) {
        Set-AgentSkipped -Result $result -Reason 'No adapter that is Up holds a default route.'
    } elseif ($null -ne $wantIndex -and [int]$wantIndex -ne [int]$active.InterfaceIndex) {
        throw "Expected interface $([int]$wantIndex) to be the active adapter (the one with the default route); the active one is $($active.InterfaceIndex)."
    } elseif ($null -ne $wantAlias -and [string]$wantAlias -ne [string]$active.Name) {
        throw "Expected adapter '$wantAlias' to be the active adapter (the one with the default route); the active one is '$($active.Name)'."
    } elseif (Test-AgentVirtualAdapter -Adapter $active) {
        Set-AgentSkipped -Result $result -Reason "The default route goes through a VPN/virtual adapter ('$($active.Name)'); its lease is not renewed."
    } else {
        $alias = [string]$active.Name
        $result.before = Get-LeaseState -Index ([int]$active.InterfaceIndex) -Alias $alias
        if (-not $result.before.dhcp) {
            Set-AgentSkipped -Result $result -Reason "Adapter '$alias' has a static IPv4 address; there is no DHCP lease to renew."
        } elseif ($alias.IndexOfAny([char[]]'*?"') -ge 0) {
            throw "Expected an adapter name without wildcards or quotes for ipconfig, got '$alias'."
        } else {
            $target = "adapter '$alias' (ifIndex $($active.InterfaceIndex))"
            foreach ($verb in @('release', 'renew')) {
                $action = "DHCP $verb (ipconfig /$verb)"
                Add-AgentPlan -Result $result -Text "$action on $target"
                if ($PSCmdlet.ShouldProcess($target, $action)) {
                    $run = Invoke-AgentNative -Tool 'ipconfig' -ArgumentList @("/$verb", $alias)
                    if ($run.exitCode -ne 0) {
                        throw "Expected '$($run.command)' to exit with 0, got $($run.exitCode): $(@($run.output) -join ' ')"
                    }
                    Add-AgentChange -Result $result -Text "DHCP lease on '$alias': $verb done"
                }
            }
            $result.after = Get-LeaseState -Index ([int]$active.InterfaceIndex) -Alias $alias
        }
    }
} catch {
    $caught = $_
    Set-AgentError -Result $result -ErrorRecord $caught
} finally {
    Save-AgentResult -Result $result -Path $ResultPath
}
