#Requires -Version 5.1
<#
.SYNOPSIS
    Stops the BSG launcher and starts it again from its install path (fix "restart-launcher").
.DESCRIPTION
    Refuses (status Skipped, data.reason) while EscapeFromTarkov is running, because a raid may be in progress.
    Run it unelevated: a launcher started from an elevated session would run elevated too.
    Params (JSON): { "installDir": string | null (game folder, helps find the launcher next to it),
    "launcherPath": absolute path ending in BsgLauncher.exe (optional; otherwise looked up) }
.PARAMETER ParamsPath
    JSON inputs (UTF-8), see above. The path comes from Get-AgentEftInstall.ps1.
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

function Get-LauncherState {
    <# Running launcher processes (ids only). #>
    $ids = @(Get-Process -Name 'BsgLauncher' -ErrorAction SilentlyContinue | ForEach-Object { [int]$_.Id })
    [ordered]@{ running = ($ids.Count -gt 0); processIds = [object[]]$ids }
}

$result = New-AgentResult -Script 'Restart-AgentBsgLauncher' -Mode 'Apply' -DryRun:$WhatIfPreference
try {
    $params = Read-AgentParams -Path $ParamsPath
    $entry = [string](Get-AgentParam -Params $params -Name 'launcherPath' -Default 'BsgLauncher.exe')
    $installDir = [string](Get-AgentParam -Params $params -Name 'installDir' -Default '')
    $found = @(Resolve-AgentEftProgram -Entries @($entry) -AllowedNames @('BsgLauncher.exe') -InstallDir $installDir)
    $launcher = [string]$found[0].path
    if ($launcher -eq '') { throw 'Expected to find BsgLauncher.exe (running process, next to the game, default folder), found none.' }
    if (-not (Test-Path -LiteralPath $launcher -PathType Leaf)) {
        throw "Expected the launcher at '$launcher', found no such file."
    }
    $result.before = Get-LauncherState
    $game = @(Get-Process -Name 'EscapeFromTarkov' -ErrorAction SilentlyContinue)
    if ($game.Count -gt 0) {
        Set-AgentSkipped -Result $result -Reason 'EscapeFromTarkov is running: a raid may be in progress, so the launcher is left alone.'
    } else {
        foreach ($id in @($result.before.processIds)) {
            $action = 'Stop the BSG launcher'
            Add-AgentPlan -Result $result -Text "$($action): process $id"
            if ($PSCmdlet.ShouldProcess("BsgLauncher (process $id)", $action)) {
                Stop-Process -Id $id -Force -ErrorAction Stop
                Add-AgentChange -Result $result -Text "Stopped BsgLauncher (process $id)"
            }
        }
        $action = 'Start the BSG launcher'
        Add-AgentPlan -Result $result -Text "$($action): $launcher"
        if ($PSCmdlet.ShouldProcess($launcher, $action)) {
            # Give the stopped launcher a moment to release its single-instance lock.
            for ($i = 0; $i -lt 20 -and (Get-LauncherState).running; $i++) { Start-Sleep -Milliseconds 250 }
            $null = Start-Process -FilePath $launcher -WorkingDirectory (Split-Path -Path $launcher -Parent) -ErrorAction Stop
            Add-AgentChange -Result $result -Text "Started $launcher"
        }
        $result.after = Get-LauncherState
    }
} catch {
    $caught = $_
    Set-AgentError -Result $result -ErrorRecord $caught
} finally {
    Save-AgentResult -Result $result -Path $ResultPath
}
