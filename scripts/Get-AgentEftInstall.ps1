#Requires -Version 5.1
<#
.SYNOPSIS
    Finds the EFT install (BSG and Steam editions) and the BSG launcher. Read-only.
.DESCRIPTION
    Reads the uninstall keys "EscapeFromTarkov" and "Steam App 3932890" in HKLM (64-bit and WOW6432Node views)
    and HKCU, and takes InstallLocation. The launcher's settings file holds authentication tokens: only
    gamesRootDir is taken from it, and a parse failure is reported without its text. Run unelevated, so HKCU
    and %APPDATA% are the player's.
    data.programs lists the existing EFT program paths, ready for Add-AgentFirewallRule.ps1.
    Params (JSON): { "installDir": string | null (optional; the game folder from config, tried first) }
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

$result = New-AgentResult -Script 'Get-AgentEftInstall' -Mode 'Read'
try {
    $params = Read-AgentParams -Path $ParamsPath
    $installDir = [string](Get-AgentParam -Params $params -Name 'installDir' -Default '')
    $result.data = Find-AgentEftInstall -InstallDir $installDir
} catch {
    $caught = $_
    Set-AgentError -Result $result -ErrorRecord $caught
} finally {
    Save-AgentResult -Result $result -Path $ResultPath
}
