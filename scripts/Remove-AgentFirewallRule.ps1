#Requires -Version 5.1
<#
.SYNOPSIS
    Removes the agent's own firewall rules (undo of "firewall-allow-eft").
.DESCRIPTION
    Deletes only rules in the group "Tarkov Connection Agent" whose name starts with "TarkovAgent-"; rules made
    by the player, the game or anything else are never touched. Nothing to delete reports NoChange.
    Params (JSON): the engine's undo envelope { fixId, snapshot, applied, params }, or {}; nothing in it is used,
    so params can never widen what is deleted.
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

$result = New-AgentResult -Script 'Remove-AgentFirewallRule' -Mode 'Undo' -DryRun:$WhatIfPreference
try {
    $null = Read-AgentParams -Path $ParamsPath
    $group = Get-AgentFirewallGroup
    $prefix = Get-AgentFirewallPrefix
    $owned = @(Get-NetFirewallRule -Group $group -ErrorAction SilentlyContinue |
            Where-Object { ([string]$_.Name).StartsWith($prefix) } |
            ForEach-Object { ConvertTo-AgentRuleInfo -Rule $_ })
    $result.before = [ordered]@{ rules = [object[]]$owned }
    foreach ($rule in $owned) {
        $action = 'Remove agent-owned firewall rule'
        Add-AgentPlan -Result $result -Text "$($action): $($rule.name)"
        if ($PSCmdlet.ShouldProcess($rule.name, $action)) {
            Remove-NetFirewallRule -Name $rule.name -ErrorAction Stop
            Add-AgentChange -Result $result -Text "Removed firewall rule $($rule.name)"
        }
    }
    $result.after = [ordered]@{
        rules = [object[]]@(Get-NetFirewallRule -Group $group -ErrorAction SilentlyContinue |
                Where-Object { ([string]$_.Name).StartsWith($prefix) } |
                ForEach-Object { ConvertTo-AgentRuleInfo -Rule $_ })
    }
} catch {
    $caught = $_
    Set-AgentError -Result $result -ErrorRecord $caught
} finally {
    Save-AgentResult -Result $result -Path $ResultPath
}
