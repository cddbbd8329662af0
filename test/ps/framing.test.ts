/**
 * The session's framing on its own: markers found wherever chunk boundaries and terminal sequences fall. The
 * sequences are the ones pwsh 7.6.9 on Linux writes around each line it reads with TERM=xterm (captured from this
 * project's own runs: `ESC[?1h ESC[?1l` before each marker line), and the colours of its error view.
 */
import { describe, expect, it } from "vitest";
import { FrameReader, framedLines, newFrame, stripAnsi } from "../../src/ports/powershell.js";

const KEYPAD = "\u001b[?1h\u001b[?1l";

/** What pwsh sent for one framed command under TERM=xterm (shape as captured: keypad mode around every line). */
function wire(frame: { begin: string; end: string }, body: string): string {
  return `${KEYPAD}${KEYPAD}${frame.begin}\n${KEYPAD}${body}\n${KEYPAD}${KEYPAD}${frame.end}\n${KEYPAD}`;
}

describe("FrameReader", () => {
  it("finds BEGIN and END in one chunk even with bytes after END (where node-powershell's tail search fails)", () => {
    const f = newFrame();
    const r = new FrameReader();
    r.expect(f);
    expect(r.push(wire(f, "hello"))).toBe(true);
    expect(r.take()).toBe("hello");
  });

  it("finds them at every split point of the wire bytes", () => {
    const f = newFrame();
    const bytes = "leftover from before\n" + wire(f, "line one\nline two");
    for (let cut = 1; cut < bytes.length; cut++) {
      const r = new FrameReader();
      r.expect(f);
      const first = r.push(bytes.slice(0, cut));
      const second = r.push(bytes.slice(cut));
      expect(first, `complete too early at ${cut}`).toBe(cut >= bytes.indexOf(f.end) + f.end.length);
      expect(first || second, `never complete at ${cut}`).toBe(true);
      expect(r.take()).toBe("line one\nline two");
    }
  });

  it("byte by byte, with the next frame's markers following: takes only its own frame", () => {
    const a = newFrame();
    const b = newFrame();
    const r = new FrameReader();
    r.expect(a);
    let done = false;
    for (const ch of wire(a, "A") + wire(b, "B")) done = r.push(ch) || done;
    expect(done).toBe(true);
    expect(r.take()).toBe("A");
    r.expect(b);
    expect(r.push("")).toBe(true);
    expect(r.take()).toBe("B");
  });

  it("a different frame's END never completes this one", () => {
    const a = newFrame();
    const stale = newFrame();
    const r = new FrameReader();
    r.expect(a);
    expect(r.push(`${a.begin}\nx\n${stale.end}\n`)).toBe(false);
    expect(r.complete).toBe(false);
  });

  it("keeps the newest output of a chatty command and says how much it dropped", () => {
    const f = newFrame();
    const r = new FrameReader();
    r.expect(f);
    r.push(`${f.begin}\n`);
    for (let i = 0; i < 40; i++) r.push(`${String(i).padStart(4, "0")}${"x".repeat(16 * 1024)}\n`);
    expect(r.push(`LAST LINE\n${f.end}\n`)).toBe(true);
    const out = r.take();
    expect(out).toMatch(/^\[… \d+ characters not kept …\]\n/);
    expect(out.endsWith("LAST LINE")).toBe(true);
    expect(out.length).toBeLessThan(600 * 1024);
  });

  it("frames a command with markers that are literals the shell cannot misread", () => {
    const f = newFrame();
    expect(f.begin).toMatch(/^AGENT-BEGIN-[0-9a-f]{16}$/);
    expect(framedLines("Get-Date", f)).toEqual([
      `[Console]::Out.WriteLine('${f.begin}'); [Console]::Error.WriteLine('${f.begin}')`,
      "Get-Date",
      `[Console]::Out.WriteLine('${f.end}'); [Console]::Error.WriteLine('${f.end}')`,
    ]);
  });
});

describe("stripAnsi", () => {
  it.each([
    // pwsh 7 ConciseView error text as it reaches a pipe with colour on (sequence shapes from its $PSStyle defaults).
    ["\u001b[31;1mWrite-Error: \u001b[31;1mboom\u001b[0m", "Write-Error: boom"],
    [`${KEYPAD}AGENT-END-0123${KEYPAD}`, "AGENT-END-0123"],
    ["\u001b]0;title\u0007text", "text"],
    ["\u001b[38;2;255;0;0mred\u001b[m", "red"],
    ["\u009b31mC1 CSI\u009b0m", "C1 CSI"],
    ["plain ]text[ with brackets", "plain ]text[ with brackets"],
  ])("%j → %j", (input, expected) => {
    expect(stripAnsi(input)).toBe(expected);
  });
});
