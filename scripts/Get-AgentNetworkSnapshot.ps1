#Requires -Version 5.1
<#
.SYNOPSIS
    Read-only snapshot of the network adapters the verdict and the guidance entries need.
.DESCRIPTION
    Per adapter: type (Ethernet, Wi-Fi, Virtual, Other), VPN flag, link speed, driver provider/version/date,
    Wi-Fi signal (from `netsh wlan show interfaces`, matched by GUID so it works in any display language),
    DNS servers per family with their source (Static or Dhcp, read from the registry) and default gateways.
    Changes nothing. Params (JSON): {} (the file is still required and read).
.PARAMETER ParamsPath
    JSON inputs (UTF-8); no fields are used.
.PARAMETER ResultPath
    Receives the JSON result (UTF-8, no BOM); the snapshot is in "data".
.OUTPUTS
    Nothing on the pipeline.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][ValidateNotNullOrEmpty()][string]$ParamsPath,
    [Parameter(Mandatory)][ValidateNotNullOrEmpty()][string]$ResultPath
)
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
Import-Module -Name (Join-Path (Join-Path $PSScriptRoot 'lib') 'AgentScript.psm1') -Force

$vpnPatterns = @(
    '*TAP-*', '*Wintun*', '*WireGuard*', '*OpenVPN*', '*Tailscale*', '*ZeroTier*', '*NordLynx*', '*ProtonVPN*',
    '*Mullvad*', '*Fortinet*', '*Cisco AnyConnect*', '*Juniper*', '*Pulse Secure*', '*Radmin VPN*', '*Hamachi*',
    '*WAN Miniport*', '*VPN*'
)

function Get-WlanInterface {
    <# Parses `netsh wlan show interfaces` into blocks; only GUID and the "NN%" signal are language-independent. #>
    $run = Invoke-AgentNative -Tool 'netsh' -ArgumentList @('wlan', 'show', 'interfaces')
    if ($run.exitCode -ne 0) { return }
    $block = $null
    foreach ($line in @($run.output)) {
        if ($line -notmatch '^\s*([^:]+?)\s*:\s(.*)$') { continue }
        $key = $Matches[1].Trim()
        $value = $Matches[2].Trim()
        if ($value -match '^\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?$') {
            if ($null -ne $block) { $block }
            $block = [ordered]@{ guid = '{' + $value.Trim('{', '}').ToLowerInvariant() + '}'; signalPercent = $null;
                radioType = $null; channel = $null; receiveRateMbps = $null; transmitRateMbps = $null }
            continue
        }
        if ($null -eq $block) { continue }
        if ($value -match '^(\d{1,3})\s?%$') {
            $block.signalPercent = [int]$Matches[1]
        } elseif ($key -eq 'Radio type') {
            $block.radioType = $value
        } elseif ($key -eq 'Channel' -and $value -match '^\d+$') {
            $block.channel = [int]$value
        } elseif ($key -like 'Receive rate*' -and $value -match '^[\d.]+$') {
            $block.receiveRateMbps = [double]$value
        } elseif ($key -like 'Transmit rate*' -and $value -match '^[\d.]+$') {
            $block.transmitRateMbps = [double]$value
        }
    }
    if ($null -ne $block) { $block }
}

$result = New-AgentResult -Script 'Get-AgentNetworkSnapshot' -Mode 'Read'
try {
    $null = Read-AgentParams -Path $ParamsPath
    $routes = @(Get-AgentDefaultRoute)
    $wlan = @(Get-WlanInterface)
    $adapters = New-Object System.Collections.ArrayList
    foreach ($adapter in @(Get-NetAdapter -ErrorAction Stop | Sort-Object -Property InterfaceIndex)) {
        $index = [int]$adapter.InterfaceIndex
        $description = [string](Get-AgentProperty -InputObject $adapter -Name 'InterfaceDescription')
        $isVirtual = Test-AgentVirtualAdapter -Adapter $adapter
        $isVpn = $false
        foreach ($pattern in $vpnPatterns) { if ($description -like $pattern) { $isVpn = $true } }
        $medium = [string](Get-AgentProperty -InputObject $adapter -Name 'PhysicalMediaType') + ' ' +
            [string](Get-AgentProperty -InputObject $adapter -Name 'MediaType')
        $type = 'Other'
        if ($isVirtual) {
            $type = 'Virtual'
        } elseif ($medium -match '802\.11|Wireless') {
            $type = 'Wi-Fi'
        } elseif ($medium -match '802\.3') {
            $type = 'Ethernet'
        }
        $guid = [string](Get-AgentProperty -InputObject $adapter -Name 'InterfaceGuid')
        $wifi = $wlan | Where-Object { $_.guid -eq $guid.ToLowerInvariant() } | Select-Object -First 1
        $signal = $null
        if ($null -ne $wifi) {
            $signal = $wifi.signalPercent
            $wifi = [ordered]@{ radioType = $wifi.radioType; channel = $wifi.channel
                receiveRateMbps = $wifi.receiveRateMbps; transmitRateMbps = $wifi.transmitRateMbps }
        }
        $speed = Get-AgentProperty -InputObject $adapter -Name 'ReceiveLinkSpeed'
        if ($null -eq $speed) { $speed = Get-AgentProperty -InputObject $adapter -Name 'Speed' }
        if ($null -ne $speed) { $speed = [math]::Round([double]$speed / 1000000, 1) }
        $dns = Get-AgentDnsSnapshot -Adapter $adapter
        $gateways = @($routes | Where-Object { [int]$_.InterfaceIndex -eq $index } |
                ForEach-Object { [string]$_.NextHop } | Where-Object { $_ -ne '0.0.0.0' -and $_ -ne '::' })
        [void]$adapters.Add([ordered]@{
                interfaceIndex  = $index
                name            = [string]$adapter.Name
                description     = $description
                interfaceGuid   = $guid
                status          = [string]$adapter.Status
                type            = $type
                isVirtual       = [bool]$isVirtual
                isVpn           = [bool]$isVpn
                isDefaultRoute    = (@($routes | Where-Object { [int]$_.InterfaceIndex -eq $index }).Count -gt 0)
                linkSpeedMbps     = $speed
                linkSpeed         = [string](Get-AgentProperty -InputObject $adapter -Name 'LinkSpeed')
                wifiSignalPercent = $signal
                wifi              = $wifi
                driverProvider    = [string](Get-AgentProperty -InputObject $adapter -Name 'DriverProvider')
                driverVersion     = [string](Get-AgentProperty -InputObject $adapter -Name 'DriverVersionString')
                driverDate        = [string](Get-AgentProperty -InputObject $adapter -Name 'DriverDate')
                dns             = [ordered]@{ ipv4 = $dns.ipv4; ipv6 = $dns.ipv6 }
                defaultGateways = [object[]]$gateways
            })
    }
    $best = $null
    $gateway = $null
    if ($routes.Count -gt 0) {
        $best = [ordered]@{ interfaceIndex = [int]$routes[0].InterfaceIndex; nextHop = [string]$routes[0].NextHop }
        # On-link routes (VPN tunnels) have next hop 0.0.0.0; the gateway is the first real next hop.
        $v4 = @($routes | Where-Object { [string]$_.DestinationPrefix -eq '0.0.0.0/0' -and [string]$_.NextHop -ne '0.0.0.0' })
        if ($v4.Count -gt 0) { $gateway = [string]$v4[0].NextHop }
    }
    $result.data = [ordered]@{
        adapters     = [object[]]$adapters.ToArray()
        defaultRoute   = $best
        defaultGateway = $gateway
        vpnAdapters  = [object[]]@($adapters | Where-Object { $_.isVpn } | ForEach-Object {
                [ordered]@{ interfaceIndex = $_.interfaceIndex; name = $_.name; status = $_.status; isDefaultRoute = $_.isDefaultRoute }
            })
    }
} catch {
    $caught = $_
    Set-AgentError -Result $result -ErrorRecord $caught
} finally {
    Save-AgentResult -Result $result -Path $ResultPath
}
