// The GVariant-text reader the GUI tests use on gdbus output; runs without X or D-Bus.
import { describe, expect, it } from "vitest";
import { flattenLayout, parseGVariant, parseLayout } from "./gvariant.js";

describe("parseGVariant", () => {
  it.each([
    ["(true,)", [true]],
    ["(<'Active'>,)", ["Active"]],
    ["(uint32 7, int32 -3, 1.5)", [7, -3, 1.5]],
    [`("Your ISP can't reach", 'a\\'b', 'tab\\there')`, ["Your ISP can't reach", "a'b", "tab\there"]],
    ["(@as [], @a{sv} {}, objectpath '/x/Menu')", [[], {}, "/x/Menu"]],
    ["({'label': <'Quit'>, 'enabled': <false>},)", [{ label: "Quit", enabled: false }]],
    ["(<['a', 'b']>,)", [["a", "b"]]],
    ["('é → ✓ (√)',)", ["é → ✓ (√)"]],
  ])("%s", (text, value) => {
    expect(parseGVariant(text)).toEqual(value);
  });

  it("rejects garbage", () => {
    expect(() => parseGVariant("(1, ")).toThrow();
    expect(() => parseGVariant("(1) x")).toThrow(/trailing/);
  });
});

describe("parseLayout", () => {
  it("reads a dbusmenu GetLayout reply into a tree", () => {
    const reply =
      "(uint32 4, (0, {'children-display': <'submenu'>}, [<(1, {'label': <'Checking…'>, 'enabled': <false>}, @av [])>, " +
      "<(2, {'type': <'separator'>}, @av [])>, <(3, {'label': <'Fixes'>, 'children-display': <'submenu'>}, " +
      "[<(4, {'label': <'(no fix)'>, 'visible': <false>}, @av [])>])>]))";
    const { revision, root } = parseLayout(reply);
    expect(revision).toBe(4);
    expect(flattenLayout(root).map((n) => [n.id, n.props.label ?? n.props.type, n.props.visible ?? true])).toEqual([
      [1, "Checking…", true],
      [2, "separator", true],
      [3, "Fixes", true],
      [4, "(no fix)", false],
    ]);
  });
});
