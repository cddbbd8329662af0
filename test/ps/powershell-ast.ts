/**
 * Static checks over the agent's PowerShell, on tree-sitter-powershell (WASM, via web-tree-sitter): runs on any OS,
 * so every script is held to the Windows PowerShell 5.1 contract without a PowerShell install.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Language, Parser } from "web-tree-sitter";
import type { Node, Tree } from "web-tree-sitter";

/** Verbs from `Get-Verb` on Windows PowerShell 5.1 (98 verbs); the target runtime, so 7-only verbs are out. */
export const APPROVED_VERBS: ReadonlySet<string> = new Set([
  // Common
  "Add", "Clear", "Close", "Copy", "Enter", "Exit", "Find", "Format", "Get", "Hide", "Join", "Lock", "Move", "New",
  "Open", "Optimize", "Pop", "Push", "Redo", "Remove", "Rename", "Reset", "Resize", "Search", "Select", "Set", "Show",
  "Skip", "Split", "Step", "Switch", "Undo", "Unlock", "Watch",
  // Communications
  "Connect", "Disconnect", "Read", "Receive", "Send", "Write",
  // Data
  "Backup", "Checkpoint", "Compare", "Compress", "Convert", "ConvertFrom", "ConvertTo", "Dismount", "Edit", "Expand",
  "Export", "Group", "Import", "Initialize", "Limit", "Merge", "Mount", "Out", "Publish", "Restore", "Save", "Sync",
  "Unpublish", "Update",
  // Diagnostic
  "Debug", "Measure", "Ping", "Repair", "Resolve", "Test", "Trace",
  // Lifecycle
  "Approve", "Assert", "Complete", "Confirm", "Deny", "Disable", "Enable", "Install", "Invoke", "Register", "Request",
  "Restart", "Resume", "Start", "Stop", "Submit", "Suspend", "Uninstall", "Unregister", "Wait",
  // Security
  "Block", "Grant", "Protect", "Revoke", "Unblock", "Unprotect",
  // Other
  "Use",
]);

let parserPromise: Promise<Parser> | undefined;

/** One shared parser; the grammar's WASM ships inside the tree-sitter-powershell package. */
export function getParser(): Promise<Parser> {
  parserPromise ??= (async () => {
    const require = createRequire(import.meta.url);
    const wasm = join(dirname(require.resolve("tree-sitter-powershell/package.json")), "tree-sitter-powershell.wasm");
    await Parser.init();
    const language = await Language.load(readFileSync(wasm));
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return parserPromise;
}

/** Parses PowerShell source; throws if tree-sitter gives up entirely. */
export async function parsePs(source: string): Promise<Tree> {
  const tree = (await getParser()).parse(source);
  if (!tree) throw new Error("Expected tree-sitter to return a tree, got null");
  return tree;
}

/** Depth-first list of every node under (and including) `root`. */
export function allNodes(root: Node): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    out.push(node);
    const kids = node.children.filter((c): c is Node => c !== null);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i] as Node);
  }
  return out;
}

/** `line:col` (1-based) for messages. */
export function where(node: Node): string {
  return `${node.startPosition.row + 1}:${node.startPosition.column + 1}`;
}

/** ERROR and MISSING nodes: anything tree-sitter could not parse. */
export function syntaxErrors(root: Node): string[] {
  return allNodes(root)
    .filter((n) => n.type === "ERROR" || n.isMissing)
    .map((n) => (n.isMissing ? `MISSING "${n.type}" at ${where(n)}` : `ERROR at ${where(n)}: ${JSON.stringify(n.text.slice(0, 40))}`));
}

const STRINGISH = /string|comment/;

/** True when the node sits in a string or comment and is not code (a `$( )` inside a string is code). */
function inTextOnly(node: Node): boolean {
  return STRINGISH.test(node.type) && node.childCount === 0;
}

/** Syntax that parses in PowerShell 7 but not in Windows PowerShell 5.1 (checked on tokens, not text). */
export function syntaxNewerThan51(root: Node): string[] {
  const out: string[] = [];
  for (const n of allNodes(root)) {
    if (n.type === "pipeline_chain_tail") out.push(`pipeline chain (&& / ||) at ${where(n)}`);
    if (n.childCount !== 0 || inTextOnly(n)) continue;
    const t = n.text.trim();
    if (["&&", "||", "??", "??=", "?.", "?["].includes(t) || t.startsWith("??") || /^\?\.|^\?\[/.test(t)) {
      out.push(`7-only operator ${JSON.stringify(t)} at ${where(n)}`);
    }
    if (n.type === "?" || (t === "?" && n.parent?.type !== "command_name")) out.push(`ternary / null-conditional "?" at ${where(n)}`);
    if (/^-Parallel$/i.test(t)) out.push(`ForEach-Object -Parallel at ${where(n)}`);
  }
  for (const n of allNodes(root)) {
    if (n.type === "expandable_string_literal" && n.text.includes("`u{")) out.push(`\`u{...} escape (literal in 5.1) at ${where(n)}`);
  }
  return out;
}

/** A command invocation found in the tree. */
export interface CommandCall {
  name: string;
  node: Node;
  /** Text of the command's arguments (parameters and values). */
  args: string;
  /** True when invoked with `&` or `.`. */
  callOperator: boolean;
}

/** Every `command` node with its (literal or expression) name. */
export function commandCalls(root: Node): CommandCall[] {
  return allNodes(root)
    .filter((n) => n.type === "command")
    .map((node) => {
      const kids = node.children.filter((c): c is Node => c !== null);
      const nameNode = kids.find((c) => c.type === "command_name" || c.type === "command_name_expr");
      const elements = kids.find((c) => c.type === "command_elements");
      return {
        name: nameNode ? nameNode.text.trim() : "",
        node,
        args: elements ? elements.text : "",
        callOperator: kids.some((c) => c.type === "command_invokation_operator"),
      };
    });
}

/** `$PSCmdlet.ShouldProcess(` member invocations. */
export function shouldProcessCalls(root: Node): Node[] {
  return allNodes(root).filter((n) => n.type === "invokation_expression" && /^\$PSCmdlet\s*\.\s*ShouldProcess\s*\(/i.test(n.text));
}

/** True when `node` runs only inside the then-block of an `if ($PSCmdlet.ShouldProcess(...))`. */
export function guardedByShouldProcess(node: Node): boolean {
  for (let cur: Node | null = node; cur; cur = cur.parent) {
    const parent = cur.parent;
    if (cur.type === "statement_block" && parent?.type === "if_statement") {
      const condition = parent.children.find((c) => c?.type === "pipeline");
      if (condition && shouldProcessCalls(condition).length > 0) return true;
    }
  }
  return false;
}

/** Names of all `function` definitions. */
export function functionNames(root: Node): { name: string; node: Node }[] {
  return allNodes(root)
    .filter((n) => n.type === "function_statement")
    .map((node) => ({ name: node.children.find((c) => c?.type === "function_name")?.text ?? "", node }));
}

/** The text of every attribute named `name` (e.g. CmdletBinding) at the top of the script's param block. */
export function scriptAttributes(root: Node, name: string): Node[] {
  const paramBlock = root.children.find((c) => c?.type === "param_block");
  if (!paramBlock) return [];
  return allNodes(paramBlock).filter(
    (n) => n.type === "attribute" && n.parent?.parent?.id === paramBlock.id && new RegExp(`^\\[\\s*${name}\\b`, "i").test(n.text),
  );
}

/** Names of the script-level parameters, with whether each is `[Parameter(Mandatory)]`. */
export function scriptParameters(root: Node): { name: string; mandatory: boolean }[] {
  const paramBlock = root.children.find((c) => c?.type === "param_block");
  if (!paramBlock) return [];
  return allNodes(paramBlock)
    .filter((n) => n.type === "script_parameter")
    .map((p) => {
      const variable = p.children.find((c) => c?.type === "variable");
      return { name: (variable?.text ?? "").replace(/^\$/, ""), mandatory: /\[Parameter\([^)]*Mandatory/i.test(p.text) };
    });
}
