#Requires -Version 5.1
<#
.SYNOPSIS
    Adds a Microsoft Defender process exclusion for the game (fix "defender-exclusion-eft"; high risk, always asks).
.DESCRIPTION
    Only EscapeFromTarkov.exe and EscapeFromTarkov_BE.exe are accepted, as bare names (looked up in installDir
    or the install) or absolute paths. The result's "before" records, per full path, whether the exclusion
    was already present, so the undo (Remove-AgentDefenderExclusion.ps1, given this "before") removes only what
    this script added. Current Defender builds show the exclusion lists only to administrators (an unelevated
    Get-MpPreference answers "N/A: Must be an administrator to view exclusions"). So the unelevated dry run
    cannot tell whether an exclusion is already there: it plans every one, reports before = $null and
    data.stateVisible = $false, and the elevated apply reads the real lists before it changes anything. An
    apply that cannot read them fails instead of guessing.
    Params (JSON): { "processes": [ "EscapeFromTarkov.exe", "EscapeFromTarkov_BE.exe" ] (names or absolute paths),
    "installDir": string | null (game folder; null = look it up) }
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

function Get-ExclusionView {
    <# Current process exclusions, and whether Defender showed them (it hides them from non-administrators). #>
    $pref = Get-MpPreference -ErrorAction Stop
    $list = @(Get-AgentProperty -InputObject $pref -Name 'ExclusionProcess' | Where-Object { $null -ne $_ } | ForEach-Object { [string]$_ })
    $hidden = @($list | Where-Object { $_ -like 'N/A*' }).Count -gt 0
    [ordered]@{ visible = (-not $hidden); list = [object[]]$list }
}

function Get-ExclusionState {
    <# Per requested path: is it currently excluded (case-insensitive)? Fails when Defender hides the list. #>
    param([string[]]$Paths)
    $view = Get-ExclusionView
    if (-not $view.visible) {
        throw 'Expected to read Defender exclusions, got "N/A: Must be an administrator to view exclusions": run this as administrator.'
    }
    foreach ($path in $Paths) {
        [ordered]@{ path = $path; present = [bool](@($view.list | Where-Object { $_ -ieq $path }).Count -gt 0) }
    }
}

$result = New-AgentResult -Script 'Add-AgentDefenderExclusion' -Mode 'Apply' -DryRun:$WhatIfPreference
try {
    $params = Read-AgentParams -Path $ParamsPath
    $entries = @(Get-AgentParam -Params $params -Name 'processes' -Default @())
    if ($entries.Count -eq 0) { throw 'Expected params.processes to list the game executable, got none.' }
    $installDir = [string](Get-AgentParam -Params $params -Name 'installDir' -Default '')
    $allowed = @('EscapeFromTarkov.exe', 'EscapeFromTarkov_BE.exe')
    $resolved = @(Resolve-AgentEftProgram -Entries $entries -AllowedNames $allowed -InstallDir $installDir)
    $missing = @($resolved | Where-Object { $null -eq $_.path } | ForEach-Object { $_.name })
    if ($missing.Count -gt 0) { throw "Expected to find $($missing -join ', ') in the EFT install, found no such file." }
    $paths = @($resolved | ForEach-Object { [string]$_.path })
    if ($WhatIfPreference -and -not (Get-ExclusionView).visible) {
        # Unelevated dry run: plan every exclusion; the elevated apply checks which ones are really missing.
        $result.data = [ordered]@{
            stateVisible = $false
            reason       = 'Defender shows its exclusion list only to administrators; whether the game is already excluded is checked when the fix runs as administrator.'
        }
        foreach ($path in $paths) {
            Add-AgentPlan -Result $result -Text "Add Microsoft Defender process exclusion unless it is already there: $path"
        }
        return
    }
    $state = @(Get-ExclusionState -Paths $paths)
    $result.before = [ordered]@{ exclusionProcesses = [object[]]$state }
    foreach ($entry in $state) {
        if ($entry.present) { continue }
        $action = 'Add Microsoft Defender process exclusion'
        Add-AgentPlan -Result $result -Text "$($action): $($entry.path)"
        if ($PSCmdlet.ShouldProcess($entry.path, $action)) {
            Add-MpPreference -ExclusionProcess $entry.path -ErrorAction Stop
            Add-AgentChange -Result $result -Text "Defender no longer scans files opened by $($entry.path)"
        }
    }
    $result.after = [ordered]@{ exclusionProcesses = [object[]]@(Get-ExclusionState -Paths $paths) }
} catch {
    $caught = $_
    Set-AgentError -Result $result -ErrorRecord $caught
} finally {
    Save-AgentResult -Result $result -Path $ResultPath
}
