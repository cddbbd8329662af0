; GUI-subsystem launchers, built by tools/package-win.mjs with makensis (no C compiler needed on the build machine).
;
; node.exe is a console program: started from the Start menu or the Run key it would open a console window, and
; closing that window would kill the agent. These launchers are Windows GUI programs (NSIS stubs never own a
; console) that start node.exe with CREATE_NO_WINDOW: the agent gets a console nobody sees, and so do the
; children it inherits it to (tray binary, SnoreToast, PowerShell). Two flavours from this one file:
;
;   /DMODE=agent  tarkov-agent.exe        node.exe dist\cli\main.js <its own arguments, default "run">; returns at once
;   /DMODE=fixes  tarkov-agent-fixes.exe  the elevated scheduled task's action: Windows PowerShell running
;                                         task\Invoke-AgentElevatedTask.ps1 from this folder. Takes NO arguments
;                                         (anything after the name is ignored), waits, and passes the exit code on.
;
; Both resolve everything from $EXEDIR (the install folder, admin-writable only) and never from the working folder
; or PATH, so nothing planted beside a shortcut can be run instead.
Unicode true
Target amd64-unicode
ManifestDPIAware true
SetCompressor /SOLID lzma
RequestExecutionLevel user
SilentInstall silent
AutoCloseWindow true
ShowInstDetails nevershow

!ifndef MODE | VERSION | OUTFILE | ICON
  !error "build with /DMODE=agent|fixes /DVERSION=x.y.z /DOUTFILE=… /DICON=…"
!endif

!include FileFunc.nsh
!include LogicLib.nsh

Name "Tarkov Connection Agent"
OutFile "${OUTFILE}"
Icon "${ICON}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "Tarkov Connection Agent"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "CompanyName" "Tarkov Connection Agent contributors"
VIAddVersionKey /LANG=0 "LegalCopyright" "MIT licence"
!if "${MODE}" == "agent"
  VIAddVersionKey /LANG=0 "FileDescription" "Tarkov Connection Agent"
!else
  VIAddVersionKey /LANG=0 "FileDescription" "Tarkov Connection Agent approved fixes (scheduled task)"
!endif

!define CREATE_NO_WINDOW 0x08000000
!define INFINITE 0xFFFFFFFF

Section
SectionEnd

; $0 = command line. Starts it without a console window in $EXEDIR. Returns the process handle in $5 (0 = failed)
; and GetLastError in $4.
Function StartHidden
  ; STARTUPINFOW is 104 bytes on x64 (cb first); PROCESS_INFORMATION is two handles and two DWORDs.
  System::Call '*(i 104, &l100) p .r1'
  System::Call '*(p, p, i, i) p .r2'
  System::Call 'kernel32::CreateProcessW(p 0, w r0, p 0, p 0, i 0, i ${CREATE_NO_WINDOW}, p 0, w "$EXEDIR", p r1, p r2) i .r3 ?e'
  Pop $4
  StrCpy $5 0
  ${If} $3 <> 0
    System::Call '*$2(p .r5, p .r6)'
    System::Call 'kernel32::CloseHandle(p r6)'
  ${EndIf}
  System::Free $1
  System::Free $2
FunctionEnd

Function .onInit
!if "${MODE}" == "agent"
  ${GetParameters} $R0
  ${If} $R0 == ""
    StrCpy $R0 "run"
  ${EndIf}
  StrCpy $0 '"$EXEDIR\node.exe" "$EXEDIR\dist\cli\main.js" $R0'
  Call StartHidden
  ${If} $5 == 0
    MessageBox MB_ICONSTOP "Tarkov Connection Agent could not start (Windows error $4).$\r$\nReinstall it from the setup program." /SD IDOK
    SetErrorLevel 1
  ${Else}
    System::Call 'kernel32::CloseHandle(p r5)'
    SetErrorLevel 0
  ${EndIf}
!else
  ; Fixed command: the scheduled task runs this exe elevated, so it must not be steerable by anything the user controls.
  ReadEnvStr $R1 SystemRoot
  StrCpy $0 '"$R1\System32\WindowsPowerShell\v1.0\powershell.exe" -NoProfile -NonInteractive -ExecutionPolicy Bypass -File "$EXEDIR\task\Invoke-AgentElevatedTask.ps1"'
  Call StartHidden
  ${If} $5 == 0
    SetErrorLevel 2
  ${Else}
    System::Call 'kernel32::WaitForSingleObject(p r5, i ${INFINITE}) i .r6'
    System::Call 'kernel32::GetExitCodeProcess(p r5, *i .r7)'
    System::Call 'kernel32::CloseHandle(p r5)'
    SetErrorLevel $7
  ${EndIf}
!endif
  Quit
FunctionEnd
