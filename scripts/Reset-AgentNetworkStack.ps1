#Requires -Version 5.1
<#
.SYNOPSIS
    Resets Winsock and the TCP/IP stack (fix "reset-network-stack"); a reboot is needed afterwards.
.DESCRIPTION
    Runs `netsh winsock reset` and `netsh int ip reset`, each judged by its exit code. High risk and never
    automatic: it can drop third-party network filters (VPN, some anti-virus) and is not reversible.
    data.commands lists each command with its exit code and output lines (localised; for the log only).
    Params (JSON): {} (the file is still required and read).
.PARAMETER ParamsPath
    JSON inputs (UTF-8); no fields are used.
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

$result = New-AgentResult -Script 'Reset-AgentNetworkStack' -Mode 'Apply' -DryRun:$WhatIfPreference
try {
    $null = Read-AgentParams -Path $ParamsPath
    $steps = @(
        @{ Target = 'Winsock catalog'; Action = 'Reset (netsh winsock reset)'; Arguments = @('winsock', 'reset') },
        @{ Target = 'TCP/IP stack'; Action = 'Reset (netsh int ip reset)'; Arguments = @('int', 'ip', 'reset') }
    )
    $commands = New-Object System.Collections.ArrayList
    $result.data = [ordered]@{ commands = $commands }
    foreach ($step in $steps) {
        Add-AgentPlan -Result $result -Text "$($step.Action): $($step.Target)"
        if ($PSCmdlet.ShouldProcess($step.Target, $step.Action)) {
            $run = Invoke-AgentNative -Tool 'netsh' -ArgumentList $step.Arguments
            [void]$commands.Add($run)
            if ($run.exitCode -ne 0) {
                throw "Expected '$($run.command)' to exit with 0, got $($run.exitCode): $(@($run.output) -join ' ')"
            }
            $result.rebootNeeded = $true
            Add-AgentChange -Result $result -Text "$($step.Target) reset; restart Windows to finish"
        }
    }
    $result.data = [ordered]@{ commands = [object[]]$commands.ToArray() }
} catch {
    $caught = $_
    Set-AgentError -Result $result -ErrorRecord $caught
} finally {
    Save-AgentResult -Result $result -Path $ResultPath
}
