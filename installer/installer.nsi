; The Windows setup program: tools/package-win.mjs assembles the payload and runs
;   makensis /DVERSION=… /DPAYLOAD=… /DOUTFILE=… /DICON=… [/DSIGN_CMD=…] installer/installer.nsi
;
; Per machine into Program Files (admin-writable only, so the unprivileged agent's scripts cannot be swapped),
; Start-menu shortcut carrying the agent's AppUserModelID (toasts show under the agent's name), an Apps & Features
; entry, and an elevated scheduled task for the current user that runs only the hash-verified fix scripts (see
; docs/SECURITY.md). "Start with Windows" is NOT written here: an elevated installer would write the admin's
; HKCU; the agent writes it for its own user on first start. /S installs and uninstalls silently; a silent install
; starts the agent unless /NOSTART is given.
Unicode true
Target amd64-unicode
ManifestDPIAware true
SetCompressor /SOLID /FINAL lzma
SetCompressorDictSize 64
RequestExecutionLevel admin
CRCCheck on

!ifndef VERSION | PAYLOAD | OUTFILE | ICON
  !error "build with /DVERSION=x.y.z /DPAYLOAD=<dir> /DOUTFILE=<setup.exe> /DICON=<.ico> (tools/package-win.mjs does)"
!endif

!define PRODUCT "Tarkov Connection Agent"
!define PUBLISHER "Tarkov Connection Agent contributors"
; Must equal APP_ID in src/cli/main.ts (checked by test/installer/installer-source.test.ts).
!define APP_ID "TarkovConnectionAgent"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\TarkovConnectionAgent"
; Scheduled tasks this installer registered (value name = task name): the uninstaller deletes exactly these.
!define TASKS_KEY "Software\TarkovConnectionAgent\ElevatedTasks"
; Must equal AUTOSTART_VALUE in src/ports/autostart.ts.
!define RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"
!define RUN_VALUE "TarkovConnectionAgent"
; Must equal the agent's data folder (src/config/load.ts defaultDataDir).
!define DATA_DIR_NAME "tarkov-connection-agent"
!define CREATE_NO_WINDOW 0x08000000
!define INFINITE 0xFFFFFFFF

!ifdef SIGN_CMD
  ; Signs the uninstaller before it is embedded, and the finished setup program (tools/sign-win.mjs).
  !uninstfinalize '${SIGN_CMD} "%1"' = 0
  !finalize '${SIGN_CMD} "%1"' = 0
!endif

Name "${PRODUCT}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${PRODUCT}"
; An upgrade goes where the previous version is.
InstallDirRegKey HKLM "${UNINSTALL_KEY}" "InstallLocation"
Icon "${ICON}"
UninstallIcon "${ICON}"
BrandingText "${PRODUCT} ${VERSION}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "${PRODUCT}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "${PRODUCT} setup"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "LegalCopyright" "MIT licence"

!include MUI2.nsh
!include LogicLib.nsh
!include FileFunc.nsh
!include WordFunc.nsh
!include WinVer.nsh
!include x64.nsh

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN
!define MUI_FINISHPAGE_RUN_TEXT "$(StartNow)"
!define MUI_FINISHPAGE_RUN_FUNCTION StartAgentUnelevated
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "Russian"

LangString StartNow ${LANG_ENGLISH} "Start ${PRODUCT} now"
LangString StartNow ${LANG_RUSSIAN} "Запустить ${PRODUCT} сейчас"
LangString Needs64 ${LANG_ENGLISH} "${PRODUCT} needs 64-bit Windows 10 or 11."
LangString Needs64 ${LANG_RUSSIAN} "Для ${PRODUCT} нужна 64-битная Windows 10 или 11."
LangString KeepLogs ${LANG_ENGLISH} "Keep the agent's logs and connection history?$\r$\n$\r$\nThey help BSG support or your internet provider if the problem comes back. Choose No to delete them."
LangString KeepLogs ${LANG_RUSSIAN} "Сохранить журналы и историю подключений?$\r$\n$\r$\nОни помогут поддержке BSG или вашему провайдеру, если проблема вернётся. Нажмите «Нет», чтобы удалить их."
LangString UndoFailed ${LANG_ENGLISH} "Some changes the agent made could not be undone automatically. Its journal is kept in %LOCALAPPDATA%\${DATA_DIR_NAME} so you can undo them after reinstalling."
LangString UndoFailed ${LANG_RUSSIAN} "Некоторые изменения агента не удалось отменить автоматически. Его журнал сохранён в %LOCALAPPDATA%\${DATA_DIR_NAME}, чтобы их можно было отменить после переустановки."

Var InstallLog

; ---------------------------------------------------------------------------------------------------------------
; Helpers

; Runs $0 (a full command line) with no console window, waits, and leaves the exit code in $1 ("error" when it
; could not start). nsExec captures output through a pipe, which node.exe cannot write to under wine (EBADF); a
; hidden console works everywhere and the agent logs to its own files anyway.
!macro ExecHiddenWaitBody
  System::Call '*(i 104, &l100) p .r8'
  System::Call '*(p, p, i, i) p .r9'
  System::Call 'kernel32::CreateProcessW(p 0, w r0, p 0, p 0, i 0, i ${CREATE_NO_WINDOW}, p 0, p 0, p r8, p r9) i .r2'
  ${If} $2 = 0
    StrCpy $1 "error"
  ${Else}
    System::Call '*$9(p .r3, p .r4)'
    System::Call 'kernel32::WaitForSingleObject(p r3, i ${INFINITE})'
    System::Call 'kernel32::GetExitCodeProcess(p r3, *i .r1)'
    System::Call 'kernel32::CloseHandle(p r3)'
    System::Call 'kernel32::CloseHandle(p r4)'
  ${EndIf}
  System::Free $8
  System::Free $9
!macroend
Function ExecHiddenWait
  !insertmacro ExecHiddenWaitBody
FunctionEnd
Function un.ExecHiddenWait
  !insertmacro ExecHiddenWaitBody
FunctionEnd

; Appends $R9 and a line break to $INSTDIR\install.log (what the installer did, for support).
!macro LogLineBody
  FileOpen $InstallLog "$INSTDIR\install.log" a
  FileSeek $InstallLog 0 END
  FileWriteUTF16LE $InstallLog "$R9$\r$\n"
  FileClose $InstallLog
!macroend
Function LogLine
  !insertmacro LogLineBody
FunctionEnd

; Escapes $R9 for XML text (& < > " ').
Function XmlEscape
  ${WordReplace} $R9 "&" "&amp;" "+" $R9
  ${WordReplace} $R9 "<" "&lt;" "+" $R9
  ${WordReplace} $R9 ">" "&gt;" "+" $R9
  ${WordReplace} $R9 '"' "&quot;" "+" $R9
  ${WordReplace} $R9 "'" "&apos;" "+" $R9
FunctionEnd

; Asks the agent of the user running setup to stop (an upgrade or uninstall must not pull files from under it).
!macro StopAgentBody
  ${If} ${FileExists} "$INSTDIR\node.exe"
  ${AndIf} ${FileExists} "$INSTDIR\dist\cli\main.js"
    StrCpy $0 '"$INSTDIR\node.exe" "$INSTDIR\dist\cli\main.js" stop'
    Call ${UN}ExecHiddenWait
  ${EndIf}
!macroend

; ---------------------------------------------------------------------------------------------------------------
; Install

Function .onInit
  ${IfNot} ${RunningX64}
  ${OrIfNot} ${AtLeastWin10}
    MessageBox MB_ICONSTOP "$(Needs64)" /SD IDOK
    SetErrorLevel 3
    Abort
  ${EndIf}
  SetRegView 64
FunctionEnd

; Sets System.AppUserModel.ID on the shortcut in $0 through IShellLinkW + IPropertyStore (no plugin needed):
; SnoreToast attributes toasts to the app whose Start-menu shortcut carries the id. HRESULTs go to install.log.
Function SetShortcutAppId
  System::Call 'ole32::CoInitialize(p 0)'
  ; CLSID_ShellLink, IID_IShellLinkW
  System::Call 'ole32::CoCreateInstance(g "{00021401-0000-0000-C000-000000000046}", p 0, i 1, g "{000214F9-0000-0000-C000-000000000046}", *p .r1) i .r2'
  ${If} $2 <> 0
    StrCpy $R9 "shortcut AppUserModelID: CoCreateInstance failed hr=$2"
    Call LogLine
    Return
  ${EndIf}
  ; IUnknown::QueryInterface(IID_IPersistFile); IPersistFile::Load is slot 5, Save slot 6.
  System::Call '$1->0(g "{0000010b-0000-0000-C000-000000000046}", *p .r3) i .r2'
  ${If} $2 = 0
    System::Call '$3->5(w r0, i 2) i .r2'
    StrCpy $R8 "load=$2"
    ; IID_IPropertyStore; SetValue is slot 6, Commit slot 7. PKEY_AppUserModel_ID = {9F4C2855-…},5; VT_LPWSTR = 31.
    System::Call '$1->0(g "{886D8EEB-8CF2-4446-8D02-CDBA1DBDCF99}", *p .r4) i .r2'
    StrCpy $R8 "$R8 qi=$2"
    ${If} $2 = 0
      System::Call '*(&g16 "{9F4C2855-9F79-4B39-A8D0-E1D42DE1D5F3}", i 5) p .r5'
      System::Call '*(&i2 31, &i2 0, &i2 0, &i2 0, w "${APP_ID}") p .r6'
      System::Call '$4->6(p r5, p r6) i .r2'
      StrCpy $R8 "$R8 set=$2"
      System::Call '$4->7() i .r2'
      StrCpy $R8 "$R8 commit=$2"
      System::Call '$3->6(p 0, i 1) i .r2'
      StrCpy $R8 "$R8 save=$2"
      System::Call '$4->2()'
      System::Free $5
      System::Free $6
    ${EndIf}
    System::Call '$3->2()'
  ${EndIf}
  System::Call '$1->2()'
  StrCpy $R9 "shortcut AppUserModelID ${APP_ID}: $R8"
  Call LogLine
FunctionEnd

; Registers "TarkovConnectionAgent\ApprovedFixes-<user>": on demand only, runs tarkov-agent-fixes.exe with the
; user's highest privileges (no UAC prompt once installed). Its action takes no arguments; what it may run is
; decided by task\Invoke-AgentElevatedTask.ps1 (allow-list, manifest hashes, parameter checks).
Function RegisterElevatedTask
  ReadEnvStr $R0 USERNAME
  ReadEnvStr $R1 USERDOMAIN
  ${If} $R0 == ""
    StrCpy $R9 "elevated task: no USERNAME, not registered"
    Call LogLine
    Return
  ${EndIf}
  StrCpy $R2 "TarkovConnectionAgent\ApprovedFixes-$R0"
  StrCpy $R9 "$R1\$R0"
  ${If} $R1 == ""
    StrCpy $R9 "$R0"
  ${EndIf}
  Call XmlEscape
  StrCpy $R3 $R9
  StrCpy $R9 "$INSTDIR\tarkov-agent-fixes.exe"
  Call XmlEscape
  StrCpy $R4 $R9
  StrCpy $R9 "$INSTDIR"
  Call XmlEscape
  StrCpy $R5 $R9

  FileOpen $0 "$INSTDIR\elevated-task.xml" w
  FileWriteWord $0 0xFEFF
  FileWriteUTF16LE $0 '<?xml version="1.0" encoding="UTF-16"?>$\r$\n'
  FileWriteUTF16LE $0 '<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">$\r$\n'
  FileWriteUTF16LE $0 '  <RegistrationInfo><Author>${PRODUCT}</Author><Description>Runs the fixes you approved in ${PRODUCT} without a UAC prompt. It runs only the hash-checked scripts in $R5\scripts.</Description></RegistrationInfo>$\r$\n'
  FileWriteUTF16LE $0 '  <Triggers />$\r$\n'
  FileWriteUTF16LE $0 '  <Principals><Principal id="Author"><UserId>$R3</UserId><LogonType>InteractiveToken</LogonType><RunLevel>HighestAvailable</RunLevel></Principal></Principals>$\r$\n'
  FileWriteUTF16LE $0 '  <Settings><MultipleInstancesPolicy>Queue</MultipleInstancesPolicy><DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries><StopIfGoingOnBatteries>false</StopIfGoingOnBatteries><AllowHardTerminate>true</AllowHardTerminate><StartWhenAvailable>false</StartWhenAvailable><RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable><AllowStartOnDemand>true</AllowStartOnDemand><Enabled>true</Enabled><Hidden>true</Hidden><ExecutionTimeLimit>PT10M</ExecutionTimeLimit><Priority>7</Priority></Settings>$\r$\n'
  FileWriteUTF16LE $0 '  <Actions Context="Author"><Exec><Command>$R4</Command><WorkingDirectory>$R5</WorkingDirectory></Exec></Actions>$\r$\n'
  FileWriteUTF16LE $0 '</Task>$\r$\n'
  FileClose $0

  StrCpy $0 '"$SYSDIR\schtasks.exe" /Create /TN "$R2" /XML "$INSTDIR\elevated-task.xml" /F'
  Call ExecHiddenWait
  StrCpy $R9 "elevated task $R2 for $R3: schtasks exit $1"
  Call LogLine
  ${If} $1 == 0
    WriteRegStr HKLM "${TASKS_KEY}" "$R2" "$R3"
  ${EndIf}
FunctionEnd

; Starts the agent as the signed-in user, not elevated: explorer.exe hands the program to the (unelevated) shell.
Function StartAgentUnelevated
  Exec '"$WINDIR\explorer.exe" "$INSTDIR\tarkov-agent.exe"'
FunctionEnd

Section "Install"
  SetShellVarContext all
  SetRegView 64
  !define /redef UN ""
  !insertmacro StopAgentBody

  ; Upgrade: drop the previous program files (never the user's data, which lives in %LOCALAPPDATA%), so files a
  ; new version no longer ships do not linger. Only folders this installer owns are removed.
  RMDir /r "$INSTDIR\dist"
  RMDir /r "$INSTDIR\node_modules"
  RMDir /r "$INSTDIR\scripts"
  RMDir /r "$INSTDIR\task"
  RMDir /r "$INSTDIR\catalog"
  RMDir /r "$INSTDIR\assets"
  Delete "$INSTDIR\install.log"

  SetOutPath "$INSTDIR"
  File /r "${PAYLOAD}\*.*"
  ; Where the elevated task writes its results: inside Program Files, so a user cannot plant links there.
  CreateDirectory "$INSTDIR\elevated"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  StrCpy $R9 "${PRODUCT} ${VERSION} installed in $INSTDIR"
  Call LogLine

  CreateShortCut "$SMPROGRAMS\${PRODUCT}.lnk" "$INSTDIR\tarkov-agent.exe" "" "$INSTDIR\tarkov-agent.exe" 0
  StrCpy $0 "$SMPROGRAMS\${PRODUCT}.lnk"
  Call SetShortcutAppId
  ; Also name the AppUserModelID itself, so toasts carry the name and icon even before the shortcut is indexed.
  WriteRegStr HKLM "Software\Classes\AppUserModelId\${APP_ID}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKLM "Software\Classes\AppUserModelId\${APP_ID}" "IconUri" "$INSTDIR\assets\icons\ok.png"

  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\tarkov-agent.exe,0"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "EstimatedSize" $0
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1

  Call RegisterElevatedTask
SectionEnd

Function .onInstSuccess
  ${If} ${Silent}
    ${GetParameters} $0
    ClearErrors
    ${GetOptions} $0 "/NOSTART" $1
    ${If} ${Errors}
      Call StartAgentUnelevated
    ${EndIf}
  ${EndIf}
FunctionEnd

; ---------------------------------------------------------------------------------------------------------------
; Uninstall

Function un.onInit
  SetRegView 64
FunctionEnd

Section "Uninstall"
  SetRegView 64
  !define /redef UN "un."
  !insertmacro StopAgentBody

  ; Put back everything the agent changed (DNS exactly as it was, its firewall rules and exclusions).
  StrCpy $R7 "skipped"
  ${If} ${FileExists} "$INSTDIR\dist\cli\main.js"
    StrCpy $0 '"$INSTDIR\node.exe" "$INSTDIR\dist\cli\main.js" fix undo --all'
    Call un.ExecHiddenWait
    StrCpy $R7 $1
  ${EndIf}

  ; Start with Windows (this user's; the agent wrote it) and the elevated tasks this installer registered.
  DeleteRegValue HKCU "${RUN_KEY}" "${RUN_VALUE}"
  StrCpy $R0 0
  ${Do}
    EnumRegValue $R1 HKLM "${TASKS_KEY}" $R0
    ${If} $R1 == ""
      ${Break}
    ${EndIf}
    StrCpy $0 '"$SYSDIR\schtasks.exe" /Delete /TN "$R1" /F'
    Call un.ExecHiddenWait
    IntOp $R0 $R0 + 1
  ${Loop}
  DeleteRegKey HKLM "Software\TarkovConnectionAgent"

  SetShellVarContext all
  Delete "$SMPROGRAMS\${PRODUCT}.lnk"
  DeleteRegKey HKLM "Software\Classes\AppUserModelId\${APP_ID}"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"

  ; Only what the installer put there: a user who picked "C:\Program Files" itself must not lose the rest of it.
  RMDir /r /REBOOTOK "$INSTDIR\dist"
  RMDir /r /REBOOTOK "$INSTDIR\node_modules"
  RMDir /r /REBOOTOK "$INSTDIR\scripts"
  RMDir /r /REBOOTOK "$INSTDIR\task"
  RMDir /r /REBOOTOK "$INSTDIR\catalog"
  RMDir /r /REBOOTOK "$INSTDIR\assets"
  RMDir /r /REBOOTOK "$INSTDIR\elevated"
  Delete /REBOOTOK "$INSTDIR\node.exe"
  Delete /REBOOTOK "$INSTDIR\tarkov-agent.exe"
  Delete /REBOOTOK "$INSTDIR\tarkov-agent-fixes.exe"
  Delete /REBOOTOK "$INSTDIR\tarkov-agent-cli.cmd"
  Delete "$INSTDIR\package.json"
  Delete "$INSTDIR\elevated-task.xml"
  Delete "$INSTDIR\install.log"
  Delete "$INSTDIR\uninstall.exe"
  RMDir /REBOOTOK "$INSTDIR"

  ; The player's data: logs, incidents, settings and the fix journal in their own profile.
  SetShellVarContext current
  ${If} $R7 != 0
  ${AndIf} $R7 != "skipped"
    MessageBox MB_ICONEXCLAMATION "$(UndoFailed)" /SD IDOK
  ${EndIf}
  MessageBox MB_YESNO|MB_ICONQUESTION "$(KeepLogs)" /SD IDYES IDYES keep
    ${If} $R7 == 0
      RMDir /r "$LOCALAPPDATA\${DATA_DIR_NAME}"
    ${Else}
      ; Without a clean undo the journal is the only record of what to put back: keep it, drop the logs.
      RMDir /r "$LOCALAPPDATA\${DATA_DIR_NAME}\logs"
    ${EndIf}
  keep:
SectionEnd
