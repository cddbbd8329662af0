#Requires -Version 5.1
<#
.SYNOPSIS
    Points the active physical adapters at a public DNS resolver (fix "switch-dns"), IPv4 and IPv6.
.DESCRIPTION
    Only adapters that are Up, physical (never VPN, tunnel or virtual) and hold a default route are changed.
    The result's "before" is the exact per-adapter snapshot read from the registry (static list vs DHCP, per
    family); pass it unchanged to Restore-AgentDnsServer.ps1 to undo. Applying the same provider twice reports
    NoChange.
    Params (JSON): { "provider": "cloudflare" | "google" | "quad9", "interfaceIndexes": [int] (optional),
    "ipv4": [string], "ipv6": [string] (optional; when present they must equal the provider's lists),
    "physicalAdaptersOnly": true (optional; always the case) }
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

$result = New-AgentResult -Script 'Set-AgentDnsServer' -Mode 'Apply' -DryRun:$WhatIfPreference
try {
    $providers = @{
        cloudflare = @{ v4 = @('1.1.1.1', '1.0.0.1'); v6 = @('2606:4700:4700::1111', '2606:4700:4700::1001') }
        google     = @{ v4 = @('8.8.8.8', '8.8.4.4'); v6 = @('2001:4860:4860::8888', '2001:4860:4860::8844') }
        quad9      = @{ v4 = @('9.9.9.9', '149.112.112.112'); v6 = @('2620:fe::fe', '2620:fe::9') }
    }
    $params = Read-AgentParams -Path $ParamsPath
    $provider = [string](Get-AgentParam -Params $params -Name 'provider' -Default '')
    if (-not $providers.ContainsKey($provider)) {
        throw "Expected provider to be one of cloudflare, google, quad9; got '$provider'."
    }
    $wantV4 = [string[]]$providers[$provider].v4
    $wantV6 = [string[]]$providers[$provider].v6
    # The engine also sends the lists it expects; they must be the provider's, so params cannot pick servers.
    foreach ($family in @(@('ipv4', $wantV4), @('ipv6', $wantV6))) {
        $given = @(Get-AgentParam -Params $params -Name $family[0] -Default @() | ForEach-Object { [string]$_ })
        if ($given.Count -gt 0 -and ($given -join ',') -ne (@($family[1]) -join ',')) {
            throw "Expected params.$($family[0]) to be $provider's servers ($(@($family[1]) -join ', ')), got $($given -join ', ')."
        }
    }

    $eligible = @(Get-AgentActivePhysicalAdapter)
    $requested = @(Get-AgentParam -Params $params -Name 'interfaceIndexes' -Default @())
    $targets = $eligible
    if ($requested.Count -gt 0) {
        $eligibleIndexes = @($eligible | ForEach-Object { [int]$_.InterfaceIndex })
        foreach ($index in $requested) {
            if ($eligibleIndexes -notcontains [int]$index) {
                throw "Expected interface $([int]$index) to be an active physical adapter (Up, not VPN/virtual, with a default route); it is not."
            }
        }
        $targets = @($eligible | Where-Object { $requested -contains [int]$_.InterfaceIndex })
    }

    $before = @(foreach ($adapter in $targets) { Get-AgentDnsSnapshot -Adapter $adapter })
    $result.before = [ordered]@{ adapters = [object[]]$before }
    $result.data = [ordered]@{ provider = $provider; ipv4 = $wantV4; ipv6 = $wantV6 }

    if ($targets.Count -eq 0) {
        Set-AgentSkipped -Result $result -Reason 'No active physical adapter (Up, not VPN/virtual, with a default route) was found.'
    } else {
        foreach ($adapter in $targets) {
            $snap = Get-AgentDnsSnapshot -Adapter $adapter
            $sameV4 = ($snap.ipv4.source -eq 'Static') -and ((@($snap.ipv4.servers) -join ',') -eq ($wantV4 -join ','))
            $sameV6 = ($snap.ipv6.source -eq 'Static') -and ((@($snap.ipv6.servers) -join ',') -eq ($wantV6 -join ','))
            if ($sameV4 -and $sameV6) { continue }
            $target = "adapter '$($adapter.Name)' (ifIndex $($adapter.InterfaceIndex))"
            $action = "Set DNS servers to $provider ($($wantV4 -join ', '); $($wantV6 -join ', '))"
            Add-AgentPlan -Result $result -Text "$action on $target"
            if ($PSCmdlet.ShouldProcess($target, $action)) {
                $splat = @{
                    InterfaceIndex  = [int]$adapter.InterfaceIndex
                    ServerAddresses = [string[]]($wantV4 + $wantV6)
                    ErrorAction     = 'Stop'
                }
                Set-DnsClientServerAddress @splat
                Add-AgentChange -Result $result -Text "DNS on '$($adapter.Name)' set to $($wantV4 -join ', ') and $($wantV6 -join ', ')"
            }
        }
    }
    $after = @(foreach ($adapter in $targets) { Get-AgentDnsSnapshot -Adapter $adapter })
    $result.after = [ordered]@{ adapters = [object[]]$after }
} catch {
    $caught = $_
    Set-AgentError -Result $result -ErrorRecord $caught
} finally {
    Save-AgentResult -Result $result -Path $ResultPath
}
