#Requires -Version 5.1
<#
.SYNOPSIS
    Removes the Defender process exclusions the agent added (undo of "defender-exclusion-eft").
.DESCRIPTION
    Takes the "before" of an Add-AgentDefenderExclusion result and removes only the exclusions that were NOT
    present before (present = false) and are present now. Exclusions the player had already are kept.
    Defender hides its exclusion lists from non-administrators: an unelevated dry run plans every removal and
    reports data.stateVisible = $false; the real undo, elevated, checks the lists before it removes anything.
    Params (JSON): { "snapshot": { "exclusionProcesses": [ { "path": "...", "present": false } ] }, "fixId",
    "applied", "params" (ignored) }. "before" is accepted in place of "snapshot".
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

function Get-ExclusionState {
    <# Per path: is it currently excluded (case-insensitive)? Fails when Defender hides them (not elevated). #>
    param([string[]]$Paths)
    $pref = Get-MpPreference -ErrorAction Stop
    $current = @(Get-AgentProperty -InputObject $pref -Name 'ExclusionProcess' | Where-Object { $null -ne $_ } | ForEach-Object { [string]$_ })
    if (@($current | Where-Object { $_ -like 'N/A*' }).Count -gt 0) {
        throw 'Expected to read Defender exclusions, got "N/A: Must be an administrator to view exclusions": run this as administrator.'
    }
    foreach ($path in $Paths) {
        [ordered]@{ path = $path; present = [bool](@($current | Where-Object { $_ -ieq $path }).Count -gt 0) }
    }
}

$result = New-AgentResult -Script 'Remove-AgentDefenderExclusion' -Mode 'Undo' -DryRun:$WhatIfPreference
try {
    $params = Read-AgentParams -Path $ParamsPath
    # The engine's undo envelope is { fixId, snapshot, applied, params }; "snapshot" is the apply's "before".
    $saved = Get-AgentParam -Params $params -Name 'snapshot'
    if ($null -eq $saved) { $saved = Get-AgentParam -Params $params -Name 'before' }
    if ($null -eq $saved) { throw 'Expected params.snapshot (the before object from Add-AgentDefenderExclusion), got none.' }
    $added = @()
    foreach ($entry in @(Get-AgentParam -Params $saved -Name 'exclusionProcesses' -Default @())) {
        $path = [string](Get-AgentProperty -InputObject $entry -Name 'path')
        if (-not (Test-AgentProgramPath -Path $path -AllowedNames @('EscapeFromTarkov.exe', 'EscapeFromTarkov_BE.exe'))) {
            throw "Expected an absolute path ending in EscapeFromTarkov.exe or EscapeFromTarkov_BE.exe in the snapshot, got '$path'."
        }
        if ((Get-AgentProperty -InputObject $entry -Name 'present') -ne $true) { $added = @($added) + @($path) }
    }
    $pref = Get-MpPreference -ErrorAction Stop
    $hidden = @(Get-AgentProperty -InputObject $pref -Name 'ExclusionProcess' | Where-Object { [string]$_ -like 'N/A*' }).Count -gt 0
    if ($WhatIfPreference -and $hidden) {
        # Unelevated dry run: Defender hides the list, so plan every removal; the elevated undo checks first.
        $result.data = [ordered]@{
            stateVisible = $false
            reason       = 'Defender shows its exclusion list only to administrators; what is still there is checked when the undo runs as administrator.'
        }
        foreach ($path in $added) {
            Add-AgentPlan -Result $result -Text "Remove Microsoft Defender process exclusion added by the agent, if it is still there: $path"
        }
        return
    }
    $state = @(Get-ExclusionState -Paths $added)
    $result.before = [ordered]@{ exclusionProcesses = [object[]]$state }
    foreach ($entry in $state) {
        if (-not $entry.present) { continue }
        $action = 'Remove Microsoft Defender process exclusion added by the agent'
        Add-AgentPlan -Result $result -Text "$($action): $($entry.path)"
        if ($PSCmdlet.ShouldProcess($entry.path, $action)) {
            Remove-MpPreference -ExclusionProcess $entry.path -ErrorAction Stop
            Add-AgentChange -Result $result -Text "Defender scans files opened by $($entry.path) again"
        }
    }
    $result.after = [ordered]@{ exclusionProcesses = [object[]]@(Get-ExclusionState -Paths $added) }
} catch {
    $caught = $_
    Set-AgentError -Result $result -ErrorRecord $caught
} finally {
    Save-AgentResult -Result $result -Path $ResultPath
}
