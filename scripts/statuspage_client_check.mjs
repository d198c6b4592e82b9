// Reads the example site's status API (api/v2/*.json) with a real
// Statuspage client, the npm package `statuspage.io` (its public v2
// endpoints: summary, status, components, incidents, unresolved incidents,
// scheduled maintenances, upcoming; active and all scheduled maintenances
// through its HTTP client, see below), pinned at 3.2.8 (3.4.6 ships no
// code), served by `python3 -m http.server` on
// 127.0.0.1 at a free port, at `/` and under `/incidents/`.
//
// usage: node scripts/statuspage_client_check.mjs MODULES ROOT_SITE SUB_SITE
//   MODULES    a folder whose node_modules holds statuspage.io (.ci/run: $TOOLS/node)
//   ROOT_SITE  the example site built at 2024-11-20 13:00 Paris (SOURCE_DATE_EPOCH=1732104000)
//   SUB_SITE   the same, built with --base-url http://127.0.0.1/incidents/
// Exits 1 on the first value that differs from what the site says then.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import assert from "node:assert/strict";

const [modules, rootSite, subSite] = process.argv.slice(2);
if (!subSite) {
  console.error("usage: node scripts/statuspage_client_check.mjs MODULES ROOT_SITE SUB_SITE");
  process.exit(2);
}
const { Statuspage } = createRequire(join(resolve(modules), "package.json"))("statuspage.io");

/** Serves `dir` on 127.0.0.1 at a free port; resolves to [server process, port]. */
function serve(dir) {
  return new Promise((ok, fail) => {
    const server = spawn("python3", ["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", dir], {
      // Its request log (on stderr) is left out.
      stdio: ["ignore", "pipe", "ignore"],
    });
    let seen = "";
    server.stdout.on("data", (chunk) => {
      seen += chunk;
      const port = /port (\d+)/.exec(seen);
      if (port) ok([server, Number(port[1])]);
    });
    server.on("exit", (code) => fail(new Error(`http.server exited (${code}) before listening: ${seen}`)));
  });
}

/** Checks what the client reads from the site at `baseUrl`. */
async function check(baseUrl) {
  const client = new Statuspage("unused");
  client.setApiUrl(baseUrl);
  const summary = await client.api.getSummary();
  assert.equal(summary.status.indicator, "maintenance", "summary: indicator");
  const states = Object.fromEntries(summary.components.map((c) => [c.id, c.status]));
  assert.deepEqual(
    states,
    {
      databases: "under_maintenance",
      dedicated: "operational",
      dns: "operational",
      mail: "operational",
      network: "under_maintenance",
      voip: "operational",
      web: "under_maintenance",
    },
    "summary: components",
  );
  assert.deepEqual(summary.incidents, [], "summary: no incident is ongoing");
  assert.equal(summary.scheduled_maintenances.length, 3, "summary: two in progress, one planned");

  const status = await client.api.getStatus();
  assert.deepEqual(status.status, summary.status, "status.json: as the summary says");

  const components = await client.api.getComponents();
  assert.deepEqual(components.components, summary.components, "components.json: as the summary says");

  const unresolved = await client.api.incidents.getUnresolved();
  assert.deepEqual(unresolved.incidents, [], "unresolved: none");
  const incidents = await client.api.incidents.getAll();
  assert.ok(incidents.incidents.length > 0 && incidents.incidents.length <= 50, "incidents: 1 to 50");
  assert.ok(incidents.incidents.every((i) => i.status === "resolved"), "incidents: all resolved");

  const upcoming = await client.api.scheduledMaintenances.getUpcoming();
  assert.deepEqual(
    upcoming.scheduled_maintenances.map((m) => [m.name, m.status, m.scheduled_for, m.scheduled_until]),
    [["Déménagement de nos baies vers une nouvelle salle", "scheduled", "2030-01-15T22:00:00+01:00", "2030-01-16T04:00:00+01:00"]],
    "upcoming: the planned move, not the cancelled update",
  );
  // statuspage.io 3.2.8 sends getAll() and getActive() to upcoming.json too
  // (its bug): those two files are read through the client's own HTTP client.
  const get = async (path) => (await client.apiClient.get(path)).data;
  const all = await get("/api/v2/scheduled-maintenances.json");
  const active = await get("/api/v2/scheduled-maintenances/active.json");
  assert.deepEqual(
    active.scheduled_maintenances.map((m) => m.status),
    ["in_progress", "in_progress"],
    "active: the switch (overrunning) and the migration",
  );
  const cancelled = all.scheduled_maintenances.find((m) => m.name === "Mise à jour de la plateforme de téléphonie");
  assert.equal(cancelled?.status, "completed", "scheduled-maintenances: the cancelled one is completed");
  console.log(
    `${baseUrl}: indicator ${summary.status.indicator}, ` +
      `${summary.components.filter((c) => c.status !== "operational").length} of ${summary.components.length} components under maintenance, ` +
      `${unresolved.incidents.length} unresolved of ${incidents.incidents.length} incidents, ` +
      `${summary.scheduled_maintenances.length} maintenances in the summary, upcoming: ${upcoming.scheduled_maintenances[0].name}`,
  );
}

const sub = mkdtempSync(join(tmpdir(), "vigie-statuspage-"));
symlinkSync(resolve(subSite), join(sub, "incidents"));
const servers = [];
try {
  const [atRoot, rootPort] = await serve(resolve(rootSite));
  servers.push(atRoot);
  await check(`http://127.0.0.1:${rootPort}/`);
  const [underPath, subPort] = await serve(sub);
  servers.push(underPath);
  await check(`http://127.0.0.1:${subPort}/incidents/`);
  console.log("statuspage.io read the status API at / and under /incidents/");
} catch (e) {
  console.error(`statuspage client check failed: ${e.message}`);
  process.exitCode = 1;
} finally {
  for (const server of servers) {
    server.removeAllListeners("exit");
    server.kill();
  }
  rmSync(sub, { recursive: true, force: true });
}
