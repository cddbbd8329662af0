#Requires -Version 5.1
<#
.SYNOPSIS
    Clears the Windows DNS client cache (fix "flush-dns").
.DESCRIPTION
    before/after carry the number of cached entries. An empty cache reports NoChange.
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

$result = New-AgentResult -Script 'Clear-AgentDnsCache' -Mode 'Apply' -DryRun:$WhatIfPreference
try {
    $null = Read-AgentParams -Path $ParamsPath
    $count = @(Get-DnsClientCache -ErrorAction SilentlyContinue).Count
    $result.before = [ordered]@{ cacheEntries = $count }
    if ($count -gt 0) {
        $action = 'Clear the DNS client cache'
        Add-AgentPlan -Result $result -Text "$action ($count entries)"
        if ($PSCmdlet.ShouldProcess('DNS client cache', $action)) {
            Clear-DnsClientCache -ErrorAction Stop
            Add-AgentChange -Result $result -Text "DNS client cache cleared ($count entries)"
        }
    }
    $result.after = [ordered]@{ cacheEntries = @(Get-DnsClientCache -ErrorAction SilentlyContinue).Count }
} catch {
    $caught = $_
    Set-AgentError -Result $result -ErrorRecord $caught
} finally {
    Save-AgentResult -Result $result -Path $ResultPath
}
