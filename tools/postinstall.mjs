// systray2 ships its Linux/macOS tray binaries without the run bit and its own chmod('+x') is rejected by Node
// and swallowed (platform-notes §1), so the tray would fail with EACCES. Windows needs nothing.
import { chmodSync, existsSync } from "node:fs";
import { join } from "node:path";

if (process.platform !== "win32") {
  for (const bin of ["tray_linux_release", "tray_darwin_release"]) {
    const path = join("node_modules", "systray2", "traybin", bin);
    if (existsSync(path)) chmodSync(path, 0o755);
  }
}
