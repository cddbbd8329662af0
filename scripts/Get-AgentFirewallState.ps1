#Requires -Version 5.1
<#
.SYNOPSIS
    Effective Windows Firewall state for the EFT programs (HellbombScript's method). Read-only.
.DESCRIPTION
    Finds rules through their application filters, so rules are matched whatever they are called. Per program
    and direction, the effective result is Block if any enabled rule blocks (Block wins in Windows Firewall),
    else Allow if any enabled rule allows, else NotConfigured (the profile's default action applies).
    Params (JSON): { "programs": [ names (EscapeFromTarkov.exe, EscapeFromTarkov_BE.exe, BsgLauncher.exe) or
    absolute paths (also ...\BEService_x64.exe) ] (optional; default: the three EFT programs),
    "installDir": string | null (optional) }. Programs not found are listed in data.notFound.
.PARAMETER ParamsPath
    JSON inputs (UTF-8), see above.
.PARAMETER ResultPath
    Receives the JSON result (UTF-8, no BOM); the findings are in "data".
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

function Get-Effective {
    <# Block beats Allow; only enabled rules count. #>
    param([object[]]$Rules, [string]$Direction)
    $active = @($Rules | Where-Object { $_.enabled -and $_.direction -eq $Direction })
    if (@($active | Where-Object { $_.action -eq 'Block' }).Count -gt 0) { return 'Block' }
    if (@($active | Where-Object { $_.action -eq 'Allow' }).Count -gt 0) { return 'Allow' }
    'NotConfigured'
}

$result = New-AgentResult -Script 'Get-AgentFirewallState' -Mode 'Read'
try {
    $allowed = @('EscapeFromTarkov.exe', 'EscapeFromTarkov_BE.exe', 'BsgLauncher.exe', 'BEService_x64.exe')
    $params = Read-AgentParams -Path $ParamsPath
    $entries = @(Get-AgentParam -Params $params -Name 'programs' -Default @('EscapeFromTarkov.exe', 'EscapeFromTarkov_BE.exe', 'BsgLauncher.exe'))
    $installDir = [string](Get-AgentParam -Params $params -Name 'installDir' -Default '')
    $resolved = @(Resolve-AgentEftProgram -Entries $entries -AllowedNames $allowed -InstallDir $installDir)
    $notFound = @($resolved | Where-Object { $null -eq $_.path } | ForEach-Object { $_.name })
    $report = New-Object System.Collections.ArrayList
    foreach ($program in @($resolved | Where-Object { $null -ne $_.path } | ForEach-Object { [string]$_.path })) {
        $rules = @(Get-AgentProgramRule -Program $program)
        [void]$report.Add([ordered]@{
                path     = $program
                inbound  = Get-Effective -Rules $rules -Direction 'Inbound'
                outbound = Get-Effective -Rules $rules -Direction 'Outbound'
                rules    = [object[]]$rules
            })
    }
    $profiles = @(Get-NetFirewallProfile -ErrorAction SilentlyContinue | ForEach-Object {
            [ordered]@{
                name                  = [string]$_.Name
                enabled               = ([string]$_.Enabled -eq 'True')
                defaultInboundAction  = [string]$_.DefaultInboundAction
                defaultOutboundAction = [string]$_.DefaultOutboundAction
            }
        })
    $result.data = [ordered]@{
        programs = [object[]]$report.ToArray()
        notFound = [object[]]$notFound
        profiles = [object[]]$profiles
    }
} catch {
    $caught = $_
    Set-AgentError -Result $result -ErrorRecord $caught
} finally {
    Save-AgentResult -Result $result -Path $ResultPath
}
