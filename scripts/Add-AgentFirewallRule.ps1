#Requires -Version 5.1
<#
.SYNOPSIS
    Adds inbound and outbound Allow rules for the EFT programs in the agent's own rule group (fix "firewall-allow-eft").
.DESCRIPTION
    Rules are named TarkovAgent-<program>-In / -Out and belong to the group "Tarkov Connection Agent"; nothing
    outside that group is ever changed. Applying again with the same programs reports NoChange; owned rules for
    programs no longer listed are removed. data.blockRules lists existing BLOCK rules (any owner) for the
    programs, which override any Allow rule. Undo: Remove-AgentFirewallRule.ps1.
    Programs not found in the install are listed in data.notFound (the rest still get rules).
    Params (JSON): { "programs": [ "EscapeFromTarkov.exe" | "EscapeFromTarkov_BE.exe" | "BsgLauncher.exe" or an
    absolute path ending in one of them ], "installDir": string | null (game folder; null = look it up),
    "group": "Tarkov Connection Agent" (optional; any other value is refused) }
.PARAMETER ParamsPath
    JSON inputs (UTF-8), see above. Paths come from Get-AgentEftInstall.ps1.
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

$result = New-AgentResult -Script 'Add-AgentFirewallRule' -Mode 'Apply' -DryRun:$WhatIfPreference
try {
    $allowed = @('EscapeFromTarkov.exe', 'EscapeFromTarkov_BE.exe', 'BsgLauncher.exe')
    $group = Get-AgentFirewallGroup
    $prefix = Get-AgentFirewallPrefix
    $params = Read-AgentParams -Path $ParamsPath
    $askedGroup = Get-AgentParam -Params $params -Name 'group'
    if ($null -ne $askedGroup -and [string]$askedGroup -ne $group) {
        throw "Expected params.group to be '$group' (the only group this agent owns), got '$askedGroup'."
    }
    $entries = @(Get-AgentParam -Params $params -Name 'programs' -Default @())
    if ($entries.Count -eq 0) { throw 'Expected params.programs to list at least one EFT program, got none.' }
    $installDir = [string](Get-AgentParam -Params $params -Name 'installDir' -Default '')
    $resolved = @(Resolve-AgentEftProgram -Entries $entries -AllowedNames $allowed -InstallDir $installDir)
    $notFound = @($resolved | Where-Object { $null -eq $_.path } | ForEach-Object { $_.name })
    $programs = @($resolved | Where-Object { $null -ne $_.path } | ForEach-Object { [string]$_.path })
    if ($programs.Count -eq 0) {
        throw "Expected to find $($notFound -join ', ') in the EFT install, found none of them."
    }

    $desired = New-Object System.Collections.ArrayList
    $seen = @{}
    foreach ($path in $programs) {
        $leaf = ($path -split '[\\/]')[-1]
        $stem = $leaf.Substring(0, $leaf.Length - 4)
        if ($seen.ContainsKey($stem.ToLowerInvariant())) { throw "Expected each program once, got '$leaf' twice." }
        $seen[$stem.ToLowerInvariant()] = $true
        foreach ($direction in @('Inbound', 'Outbound')) {
            $suffix = 'In'
            if ($direction -eq 'Outbound') { $suffix = 'Out' }
            [void]$desired.Add([ordered]@{
                    name = "$prefix$stem-$suffix"; direction = $direction; program = $path; leaf = $leaf
                })
        }
    }

    $owned = @(Get-NetFirewallRule -Group $group -ErrorAction SilentlyContinue |
            Where-Object { ([string]$_.Name).StartsWith($prefix) } |
            ForEach-Object { ConvertTo-AgentRuleInfo -Rule $_ })
    $result.before = [ordered]@{ rules = [object[]]$owned }
    $blocks = @(foreach ($program in $programs) {
            Get-AgentProgramRule -Program ([string]$program) | Where-Object { $_.action -eq 'Block' }
        })
    $result.data = [ordered]@{
        group      = $group
        programs   = [object[]]$programs
        notFound   = [object[]]$notFound
        blockRules = [object[]]$blocks
    }

    $desiredNames = @($desired | ForEach-Object { $_.name })
    foreach ($rule in $owned) {
        if ($desiredNames -contains $rule.name) { continue }
        $action = 'Remove agent-owned firewall rule (program no longer listed)'
        Add-AgentPlan -Result $result -Text "$($action): $($rule.name)"
        if ($PSCmdlet.ShouldProcess($rule.name, $action)) {
            Remove-NetFirewallRule -Name $rule.name -ErrorAction Stop
            Add-AgentChange -Result $result -Text "Removed firewall rule $($rule.name)"
        }
    }
    foreach ($want in $desired) {
        $have = $owned | Where-Object { $_.name -eq $want.name } | Select-Object -First 1
        if ($null -ne $have -and $have.action -eq 'Allow' -and $have.enabled -and $have.direction -eq $want.direction -and
            $have.program -eq $want.program) {
            continue
        }
        $action = "Allow $($want.direction.ToLowerInvariant()) traffic for $($want.program)"
        Add-AgentPlan -Result $result -Text "$action (rule $($want.name), group $group)"
        if ($PSCmdlet.ShouldProcess($want.name, $action)) {
            if ($null -ne $have) { Remove-NetFirewallRule -Name $want.name -ErrorAction Stop }
            $splat = @{
                Name        = $want.name
                DisplayName = "$($want.name) ($($want.leaf))"
                Description = 'Added by tarkov-connection-agent; removed by its undo.'
                Group       = $group
                Direction   = $want.direction
                Action      = 'Allow'
                Program     = $want.program
                Profile     = 'Any'
                Enabled     = 'True'
                ErrorAction = 'Stop'
            }
            $null = New-NetFirewallRule @splat
            Add-AgentChange -Result $result -Text "Firewall rule $($want.name) allows $($want.direction.ToLowerInvariant()) traffic for $($want.leaf)"
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
