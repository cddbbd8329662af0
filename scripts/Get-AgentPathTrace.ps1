#Requires -Version 5.1
<#
.SYNOPSIS
    Path trace to one IP address with Windows' own tools (tracert -d or pathping -n). Read-only.
.DESCRIPTION
    Runs %SystemRoot%\System32\TRACERT.EXE -d (or PATHPING.EXE -n) by its full path, so no other program of that
    name on PATH can stand in. The target must be an IPv4 or IPv6 address literal; it is parsed first and only the
    parsed address is passed, as its own argument (never inside a command string), so nothing from a game log or
    the network can become an option or a command. The tool's own limits (hops, wait per probe, probes per hop)
    bound how long it runs. The tool's output lines are returned as they are; the agent reads them.
    Changes nothing.
    Params (JSON): { "target": IP address literal (required),
    "mode": "tracert" (default) | "pathping",
    "maxHops": 1..30 (default 30),
    "waitMs": 100..5000 per probe (default 1000),
    "queries": 1..100 pathping probes per hop (default 10; tracert always sends 3) }.
.PARAMETER ParamsPath
    JSON inputs (UTF-8), see above.
.PARAMETER ResultPath
    Receives the JSON result (UTF-8, no BOM); data has tool, target, command, exitCode and the output lines.
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

function ConvertTo-TraceTarget {
    <# The parsed address for an IPv4 or IPv6 literal, or $null. Strict: no host names, no 127.1, no %scope. #>
    param([string]$Text)
    if ($Text.Length -eq 0 -or $Text.Length -gt 45) { return $null }
    $v4 = $Text -match '^\d{1,3}(\.\d{1,3}){3}$'
    $v6 = $Text -match '^[0-9A-Fa-f:.]+$' -and $Text.Contains(':')
    if (-not ($v4 -or $v6)) { return $null }
    $parsed = $null
    if (-not [System.Net.IPAddress]::TryParse($Text, [ref]$parsed)) { return $null }
    if ($v4) {
        foreach ($part in $Text.Split('.')) { if ([int]$part -gt 255) { return $null } }
    }
    $parsed
}

function Get-TraceNumber {
    <# A whole-number param within [Min, Max], or its default; anything else is refused with the field named. #>
    param($Params, [string]$Name, [int]$Default, [int]$Min, [int]$Max)
    $value = Get-AgentParam -Params $Params -Name $Name -Default $Default
    $text = [string]$value
    if (-not ($text -match '^\d{1,6}$') -or [int]$text -lt $Min -or [int]$text -gt $Max) {
        throw ("Expected params.{0} to be a whole number from {1} to {2}, got '{3}'" -f $Name, $Min, $Max, $text)
    }
    [int]$text
}

function Invoke-TraceTool {
    <#
    .SYNOPSIS Runs the tool by full path with each argument as its own token; returns exit code and output lines.
    .DESCRIPTION
        Under $ErrorActionPreference = 'Stop', native stderr redirected with 2>&1 becomes a terminating error, so the
        call runs under a local 'Continue' and is judged by $LASTEXITCODE.
    #>
    param([string]$Exe, [string[]]$Arguments)
    $ErrorActionPreference = 'Continue'
    $global:LASTEXITCODE = 0
    $output = & $Exe @Arguments 2>&1
    $code = $LASTEXITCODE
    [ordered]@{
        exitCode = [int]$code
        lines    = [object[]]@($output | ForEach-Object { ([string]$_).TrimEnd() } | Where-Object { $_.Length -gt 0 })
    }
}

$result = New-AgentResult -Script 'Get-AgentPathTrace' -Mode 'Read'
try {
    $params = Read-AgentParams -Path $ParamsPath
    $targetText = [string](Get-AgentParam -Params $params -Name 'target' -Default '')
    $target = ConvertTo-TraceTarget -Text $targetText
    if ($null -eq $target) { throw ("Expected params.target to be an IPv4 or IPv6 address, got '{0}'" -f $targetText) }
    $mode = [string](Get-AgentParam -Params $params -Name 'mode' -Default 'tracert')
    if (@('tracert', 'pathping') -notcontains $mode) { throw ("Expected params.mode to be tracert or pathping, got '{0}'" -f $mode) }
    $maxHops = Get-TraceNumber -Params $params -Name 'maxHops' -Default 30 -Min 1 -Max 30
    $waitMs = Get-TraceNumber -Params $params -Name 'waitMs' -Default 1000 -Min 100 -Max 5000
    $queries = Get-TraceNumber -Params $params -Name 'queries' -Default 10 -Min 1 -Max 100

    if ([string]::IsNullOrEmpty($env:SystemRoot)) { throw 'Expected %SystemRoot% to name the Windows folder, found it empty' }
    $file = 'TRACERT.EXE'
    $arguments = @('-d', '-h', [string]$maxHops, '-w', [string]$waitMs, $target.ToString())
    if ($mode -eq 'pathping') {
        $file = 'PATHPING.EXE'
        $arguments = @('-n', '-h', [string]$maxHops, '-q', [string]$queries, '-w', [string]$waitMs, $target.ToString())
    }
    $exe = Join-Path (Join-Path $env:SystemRoot 'System32') $file
    if (-not (Test-Path -LiteralPath $exe -PathType Leaf)) { throw ("Expected {0} to exist, found no such file" -f $exe) }
    $run = Invoke-TraceTool -Exe $exe -Arguments $arguments
    $result.data = [ordered]@{
        tool     = $mode
        target   = $target.ToString()
        command  = $file + ' ' + ($arguments -join ' ')
        exitCode = $run.exitCode
        lines    = $run.lines
    }
} catch {
    $caught = $_
    Set-AgentError -Result $result -ErrorRecord $caught
} finally {
    Save-AgentResult -Result $result -Path $ResultPath
}
