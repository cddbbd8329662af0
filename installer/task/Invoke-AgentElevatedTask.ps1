#Requires -Version 5.1
<#
.SYNOPSIS
    Runs one pre-approved fix as administrator for the scheduled task "TarkovConnectionAgent\ApprovedFixes-<user>".
.DESCRIPTION
    The installer registers that task (run on demand, with the user's highest privileges) so that fixes the player
    approved do not raise a UAC prompt each time. The task's action is tarkov-agent-fixes.exe, which takes no
    arguments and starts this script from <install>\task (it is not a fix script, so it lives apart from scripts\
    and its fix-script contract; like node.exe it is trusted because only administrators can write Program Files). Whoever can start the task (the player's own,
    unelevated processes, malware included) controls only the request file below, so everything in it is checked
    here, as administrator (threat model: docs/SECURITY.md):
      - the script must be on the allow-list below (fixes that can be approved, and their undo scripts);
      - it and every module under scripts\lib must match scripts\manifest.json (SHA-256, written at build time);
      - its parameters are rebuilt from scratch: a DNS switch takes only a provider name, a DNS restore only a
        snapshot this script itself recorded when it switched, a firewall rule only the game folder from HKLM;
      - results go to <install>\elevated\<user SID>\, inside Program Files, where the user cannot plant links.
    Anything refused gets a status with a code, and the agent falls back to asking with UAC.
    Request (UTF-8 JSON, %LOCALAPPDATA%\tarkov-connection-agent\elevated\request.json):
      { "schema": 1, "id": "r-...", "script": "Set-AgentDnsServer.ps1", "whatIf": false, "params": { ... } }
    Answer: <id>.status.json { schema, id, ok, code, message } and, when the script ran, <id>.result.json.
.PARAMETER RequestPath
    Tests only; the task passes no arguments.
.PARAMETER OutputRoot
    Tests only; default <install>\elevated.
.OUTPUTS
    Nothing on the pipeline. Exit code 0 when the script ran, 1 when the request was refused.
#>
[CmdletBinding()]
param(
    [string]$RequestPath = '',
    [string]$OutputRoot = ''
)
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

# Scripts this task may run. Must equal TASK_SCRIPTS in src/ports/elevated-task.ts (a test compares them).
# High-risk fixes (Defender exclusions, network stack reset) are never approved for automatic use and stay out.
$AllowedScripts = @(
    'Set-AgentDnsServer.ps1',
    'Restore-AgentDnsServer.ps1',
    'Add-AgentFirewallRule.ps1',
    'Remove-AgentFirewallRule.ps1',
    'Update-AgentDhcpLease.ps1'
)
$DnsProviders = @('cloudflare', 'google', 'quad9')
$FirewallPrograms = @('EscapeFromTarkov.exe', 'EscapeFromTarkov_BE.exe', 'BsgLauncher.exe')
$FirewallGroup = 'Tarkov Connection Agent'
$MaxRequestBytes = 65536
$Utf8 = New-Object System.Text.UTF8Encoding $false

$installDir = Split-Path -Parent $PSScriptRoot
$scriptsDir = Join-Path $installDir 'scripts'
$onWindows = [System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT
if ($onWindows) {
    $userKey = [System.Security.Principal.WindowsIdentity]::GetCurrent().User.Value
} else {
    $userKey = [System.Environment]::UserName
}
if ($RequestPath -eq '') {
    $RequestPath = Join-Path (Join-Path (Join-Path $env:LOCALAPPDATA 'tarkov-connection-agent') 'elevated') 'request.json'
}
if ($OutputRoot -eq '') { $OutputRoot = Join-Path $installDir 'elevated' }
$outDir = Join-Path $OutputRoot $userKey
if (-not (Test-Path -LiteralPath $outDir -PathType Container)) { [void](New-Item -ItemType Directory -Path $outDir -Force) }

function Write-JsonFile {
    param([string]$Path, $Value)
    [System.IO.File]::WriteAllText($Path, (ConvertTo-Json -InputObject $Value -Depth 20), $Utf8)
}

function Get-Prop {
    <# A property of a parsed JSON object, or $null (StrictMode-safe). #>
    param($Object, [string]$Name)
    if ($null -eq $Object) { return $null }
    $p = $Object.PSObject.Properties[$Name]
    if ($null -eq $p) { return $null }
    $p.Value
}

function Get-CanonicalJson {
    param($Value)
    ConvertTo-Json -InputObject $Value -Depth 20 -Compress
}

function Get-TextHash {
    param([string]$Text)
    $sha = [System.Security.Cryptography.SHA256]::Create()
    try {
        $bytes = $sha.ComputeHash($Utf8.GetBytes($Text))
    } finally {
        $sha.Dispose()
    }
    ([System.BitConverter]::ToString($bytes) -replace '-', '').ToLowerInvariant()
}

function Test-Manifest {
    <# $null when the script and every lib module match the build-time manifest; else the reason. #>
    param([string]$Script)
    $manifestPath = Join-Path $scriptsDir 'manifest.json'
    if (-not (Test-Path -LiteralPath $manifestPath -PathType Leaf)) { return 'scripts\manifest.json is missing' }
    $manifest = [System.IO.File]::ReadAllText($manifestPath, $Utf8) | ConvertFrom-Json
    $files = Get-Prop $manifest 'files'
    if ((Get-Prop $manifest 'algorithm') -ne 'sha256' -or $null -eq $files) { return 'scripts\manifest.json is not a sha256 manifest' }
    $names = @($Script) + @($files.PSObject.Properties | Where-Object { $_.Name -like 'lib/*' } | ForEach-Object { $_.Name })
    foreach ($name in $names) {
        $expected = [string](Get-Prop $files $name)
        if ($expected -eq '') { return "$name is not in the manifest" }
        $path = Join-Path $scriptsDir ($name -replace '/', [System.IO.Path]::DirectorySeparatorChar)
        if (-not (Test-Path -LiteralPath $path -PathType Leaf)) { return "$name is missing" }
        $actual = (Get-FileHash -LiteralPath $path -Algorithm SHA256).Hash.ToLowerInvariant()
        if ($actual -ne $expected.ToLowerInvariant()) { return "$name does not match the manifest" }
    }
    $null
}

function Get-HklmGameFolder {
    <# The EFT folder from the HKLM uninstall keys only (admin-written; HKCU is the user's and not trusted here). #>
    foreach ($root in @('HKLM:\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall', 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall')) {
        foreach ($name in @('EscapeFromTarkov', 'Steam App 3932890')) {
            $item = Get-ItemProperty -LiteralPath ($root + '\' + $name) -ErrorAction SilentlyContinue
            $location = [string](Get-Prop $item 'InstallLocation')
            if ($location -ne '') { return $location.Trim().Trim('"').TrimEnd('\', '/') }
        }
    }
    $null
}

function New-Refusal {
    param([string]$Code, [string]$Message)
    throw (New-Object System.InvalidOperationException ("{0}|{1}" -f $Code, $Message))
}

function Get-SafeParams {
    <# Rebuilds the parameters for $Script from the request's, keeping only what is allowed. #>
    param([string]$Script, $Given)
    switch ($Script) {
        'Set-AgentDnsServer.ps1' {
            $provider = [string](Get-Prop $Given 'provider')
            if ($DnsProviders -notcontains $provider) { New-Refusal 'TASK_REFUSED' "provider must be one of $($DnsProviders -join ', ')" }
            return [ordered]@{ provider = $provider; physicalAdaptersOnly = $true }
        }
        'Restore-AgentDnsServer.ps1' {
            $snapshot = Get-Prop $Given 'snapshot'
            if ($null -eq $snapshot) { $snapshot = Get-Prop $Given 'before' }
            if ($null -eq $snapshot) { New-Refusal 'TASK_REFUSED' 'no DNS snapshot to restore' }
            $wanted = Get-CanonicalJson $snapshot
            $recorded = Join-Path (Join-Path $outDir 'dns-snapshots') ((Get-TextHash $wanted) + '.json')
            if (-not (Test-Path -LiteralPath $recorded -PathType Leaf)) {
                New-Refusal 'TASK_REFUSED' 'that DNS setup was not recorded by this task, so it cannot be restored without asking'
            }
            $saved = [System.IO.File]::ReadAllText($recorded, $Utf8) | ConvertFrom-Json
            if ((Get-CanonicalJson $saved) -ne $wanted) { New-Refusal 'TASK_REFUSED' 'the recorded DNS setup does not match' }
            return [ordered]@{ snapshot = $saved }
        }
        'Add-AgentFirewallRule.ps1' {
            $programs = @(Get-Prop $Given 'programs' | Where-Object { $null -ne $_ } | ForEach-Object { [string]$_ })
            if ($programs.Count -eq 0) { New-Refusal 'TASK_REFUSED' 'no programs given' }
            foreach ($p in $programs) {
                if ($FirewallPrograms -notcontains $p) { New-Refusal 'TASK_REFUSED' "program must be one of $($FirewallPrograms -join ', ') (bare names)" }
            }
            $folder = Get-HklmGameFolder
            if ($null -eq $folder) { New-Refusal 'TASK_REFUSED' 'the game folder is not registered in HKLM' }
            return [ordered]@{ group = $FirewallGroup; installDir = $folder; programs = $programs }
        }
        'Remove-AgentFirewallRule.ps1' { return [ordered]@{} }
        'Update-AgentDhcpLease.ps1' { return [ordered]@{} }
    }
    New-Refusal 'TASK_REFUSED' "$Script is not allowed"
}

$id = 'invalid'
$status = [ordered]@{ schema = 1; id = $id; ok = $false; code = 'TASK_BAD_REQUEST'; message = '' }
try {
    if (-not (Test-Path -LiteralPath $RequestPath -PathType Leaf)) { New-Refusal 'TASK_BAD_REQUEST' 'no request file' }
    if ((Get-Item -LiteralPath $RequestPath).Length -gt $MaxRequestBytes) { New-Refusal 'TASK_BAD_REQUEST' 'request file too large' }
    $text = [System.IO.File]::ReadAllText($RequestPath, $Utf8)
    Remove-Item -LiteralPath $RequestPath -Force -ErrorAction SilentlyContinue
    try {
        $request = $text | ConvertFrom-Json
    } catch {
        New-Refusal 'TASK_BAD_REQUEST' 'request is not JSON'
    }
    $givenId = [string](Get-Prop $request 'id')
    if ($givenId -notmatch '^[A-Za-z0-9][A-Za-z0-9-]{0,63}$') { New-Refusal 'TASK_BAD_REQUEST' 'request id must be 1-64 letters, digits or dashes' }
    $id = $givenId
    $status.id = $id
    if ((Get-Prop $request 'schema') -ne 1) { New-Refusal 'TASK_BAD_REQUEST' 'request schema must be 1' }
    $script = [string](Get-Prop $request 'script')
    if ($AllowedScripts -cnotcontains $script) { New-Refusal 'TASK_REFUSED' "$script is not on the task's allow-list" }
    $whatIf = Get-Prop $request 'whatIf'
    if ($whatIf -isnot [bool]) { New-Refusal 'TASK_BAD_REQUEST' 'whatIf must be true or false' }
    $tampered = Test-Manifest -Script $script
    if ($null -ne $tampered) { New-Refusal 'TASK_TAMPERED' $tampered }
    $params = Get-SafeParams -Script $script -Given (Get-Prop $request 'params')

    $paramsPath = Join-Path $outDir ($id + '.params.json')
    $resultPath = Join-Path $outDir ($id + '.result.json')
    Remove-Item -LiteralPath $resultPath -Force -ErrorAction SilentlyContinue
    Write-JsonFile -Path $paramsPath -Value $params
    # The script path is one of the fixed names above, joined to this script's own folder: nothing from the request.
    & (Join-Path $scriptsDir $script) -ParamsPath $paramsPath -ResultPath $resultPath -WhatIf:$whatIf

    if ($script -eq 'Set-AgentDnsServer.ps1' -and -not $whatIf -and (Test-Path -LiteralPath $resultPath -PathType Leaf)) {
        # Remember the exact setup this switch replaced: only such a setup may later be restored without UAC.
        $result = [System.IO.File]::ReadAllText($resultPath, $Utf8) | ConvertFrom-Json
        $before = Get-Prop $result 'before'
        if ((Get-Prop $result 'status') -eq 'Changed' -and $null -ne $before) {
            $snapshots = Join-Path $outDir 'dns-snapshots'
            if (-not (Test-Path -LiteralPath $snapshots -PathType Container)) { [void](New-Item -ItemType Directory -Path $snapshots -Force) }
            $canonical = Get-CanonicalJson $before
            [System.IO.File]::WriteAllText((Join-Path $snapshots ((Get-TextHash $canonical) + '.json')), $canonical, $Utf8)
        }
    }
    $status.ok = $true
    $status.code = 'TASK_OK'
    $status.message = "$script ran"
} catch {
    $text = [string]$_.Exception.Message
    $cut = $text.IndexOf('|')
    if ($_.Exception -is [System.InvalidOperationException] -and $cut -gt 0 -and $text.Substring(0, $cut) -match '^TASK_[A-Z_]+$') {
        $status.code = $text.Substring(0, $cut)
        $status.message = $text.Substring($cut + 1)
    } else {
        $status.code = 'TASK_FAILED'
        $status.message = $text
    }
} finally {
    Write-JsonFile -Path (Join-Path $outDir ($id + '.status.json')) -Value $status
}
if ($status.ok) { exit 0 }
exit 1
