// Child process for journal.test.ts: one of several writers in different processes (tray agent, CLI, uninstaller)
// that each add an entry and then update it, `count` times, against the same journal file.
const [, , jsRoot, dataDir, tag, count] = process.argv;
const { Journal, newEntryId } = await import(`${jsRoot}/src/fixes/journal.js`);
const journal = Journal.inDataDir(dataDir);
for (let i = 0; i < Number(count); i++) {
  const now = new Date();
  const entry = {
    id: `${newEntryId(now)}-${tag}-${i}`, fixId: "flush-dns", params: {}, approvedBy: "player", incidentId: null, state: "pending",
    startedAt: now.toISOString(), finishedAt: null, before: null, after: null, plan: [], changes: [], status: null, code: null,
    message: `${tag} ${i}`, rebootNeeded: false, runId: null, undo: null,
  };
  await journal.add(entry);
  await journal.update(entry.id, () => ({ state: "done", status: "NoChange", finishedAt: new Date().toISOString() }));
}
process.stdout.write("done\n");
