/**
 * Roles meet only on the wire (docs/architecture.md): a role's source never
 * imports another role. Tests may start other roles to talk to them; the cli
 * is the one package that wires roles together.
 */
const roles = ['handset', 'center', 'pc', 'safe'];
const roleRules = roles.map((role) => ({
  name: `${role}-is-a-role`,
  comment: `${role} talks to other roles over the wire only`,
  severity: 'error',
  from: { path: `^packages/${role}/src/` },
  to: {
    path: `^packages/(${roles.filter((r) => r !== role).join('|')}|cli)/|@phonesafe/(${roles.filter((r) => r !== role).join('|')}|cli)`,
  },
}));

/**
 * Inside the handset (docs/architecture.md, "Inside the handset"): the
 * channel is infrastructure and runs no capability's code (types of the
 * event vocabulary are fine); the context is built and the capability
 * modules are composed in agent.ts only; capabilities meet through Picks of
 * each other's types.
 */
const HANDSET = '^packages/handset/src/';
const HANDSET_CAPABILITIES = '(backup|backup-area|restore|rescue|offload|settings|device|history|identity|memory|card|wallet)';
const HANDSET_MODULES =
  '(backup/backups|restore/restores|rescue/rescue-handlers|identity/enrollment|settings/settings|device/device|history/history|offload/offloads|memory/memory-io|wallet/wallet)';
const handsetRules = [
  {
    name: 'handset-channel-runs-no-capability',
    comment: 'the live channel dispatches through the handler table; it imports no capability code, only types',
    severity: 'error',
    from: { path: `${HANDSET}channel/` },
    to: { path: `${HANDSET}${HANDSET_CAPABILITIES}/`, dependencyTypesNot: ['type-only'] },
  },
  {
    name: 'handset-composed-in-agent',
    comment: 'agent.ts builds the HandsetContext and the capability modules; nothing else does',
    severity: 'error',
    from: { path: HANDSET, pathNot: `${HANDSET}agent\\.ts$` },
    to: { path: `${HANDSET}(context|${HANDSET_MODULES})\\.ts$`, dependencyTypesNot: ['type-only'] },
  },
];

/**
 * Inside the center (docs/architecture.md, "Inside the center"; owned with
 * the center). Infrastructure folders know no capability; a capability meets
 * another only through its port (`-repo.ts`, `-hooks.ts`, `-revocation.ts`
 * and the like), never its service, routes, queries, tables or entry
 * (`index.ts`, for the composition root alone); migrations are frozen.
 */
const CENTER = '^packages/center/src/';
const CENTER_INFRA = '(http|store|blobs|push|channel|scheduler|config|logging)';
const centerRules = [
  {
    name: 'center-infra-knows-no-capability',
    comment: 'http, store, blobs, push, channel, scheduler, config and logging import only each other (and protocol, npm)',
    severity: 'error',
    from: { path: `${CENTER}${CENTER_INFRA}/` },
    to: { path: CENTER, pathNot: `${CENTER}${CENTER_INFRA}/` },
  },
  {
    name: 'center-capabilities-meet-through-ports',
    comment: "a capability imports another's port and hook types, never its service, routes, queries, tables, rows or entry",
    severity: 'error',
    from: { path: `${CENTER}([^/]+)/` },
    to: {
      path: `${CENTER}[^/]+/(index|[^/]*-(service|routes|queries|tables|rows))\\.ts$`,
      pathNot: [`${CENTER}$1/`, `${CENTER}${CENTER_INFRA}/`],
    },
  },
  {
    name: 'center-root-composes',
    comment:
      'the files at the top of center/src compose the capabilities (app.ts, center-store.ts, resources.ts, server.ts); no folder imports them (ids.ts is a shared helper)',
    severity: 'error',
    from: { path: `${CENTER}[^/]+/` },
    to: { path: `${CENTER}[^/]+\\.ts$`, pathNot: `${CENTER}ids\\.ts$` },
  },
  {
    name: 'center-migrations-are-frozen',
    comment: 'a migration is imported by the migration index alone (parts of one migration by that migration)',
    severity: 'error',
    from: { pathNot: `${CENTER}store/migrations/` },
    to: { path: `${CENTER}store/migrations/`, pathNot: `${CENTER}store/migrations/index\\.ts$` },
  },
  {
    name: 'center-migration-index-is-the-stores',
    comment: "only the center's store (center-store.ts, which hands it to server-kit's migration runner) applies migrations",
    severity: 'error',
    from: { pathNot: [`${CENTER}center-store\\.ts$`, `${CENTER}store/migrations/`] },
    to: { path: `${CENTER}store/migrations/index\\.ts$` },
  },
  {
    name: 'center-migrations-are-literal',
    comment:
      'migrations import no state from the code that runs on them (a state list copied in stays frozen with it); engine.ts gives the dialect',
    severity: 'error',
    from: { path: `${CENTER}store/migrations/` },
    to: { path: CENTER, pathNot: [`${CENTER}store/migrations/`, `${CENTER}store/engine\\.ts$`] },
  },
];

/**
 * Inside the safe (docs/design/safes.md): it imports protocol and server-kit
 * only (and npm); its capabilities (deposits, owners, auth, audit) meet
 * through the ports app.ts wires, never another's service or routes; the
 * files at the top of safe/src compose and no folder imports them.
 */
const SAFE = '^packages/safe/src/';
const safeRules = [
  {
    name: 'safe-imports-protocol-and-server-kit-only',
    comment: 'the safe is a role: of ours it imports only @phonesafe/protocol and @phonesafe/server-kit',
    severity: 'error',
    from: { path: SAFE },
    to: { path: '^packages/(handset|center|pc|cli|testkit)/|@phonesafe/(handset|center|pc|cli|testkit)' },
  },
  {
    name: 'safe-capabilities-meet-through-ports',
    comment: "a safe capability never imports another's service or routes",
    severity: 'error',
    from: { path: `${SAFE}([^/]+)/` },
    to: { path: `${SAFE}[^/]+/[^/]*-(service|routes)\\.ts$`, pathNot: `${SAFE}$1/` },
  },
  {
    name: 'safe-root-composes',
    comment: 'app.ts, server.ts and index.ts compose the safe; no folder imports them',
    severity: 'error',
    from: { path: `${SAFE}[^/]+/` },
    to: { path: `${SAFE}[^/]+\\.ts$` },
  },
];

/**
 * server-kit (owned with the center): what every PhoneSafe server shares. It
 * imports only protocol; the client roles (handset, pc) and protocol never
 * import it.
 */
const serverKitRules = [
  {
    name: 'server-kit-imports-only-protocol',
    comment: 'server-kit is shared by the servers and knows none of them, nor any other role',
    severity: 'error',
    from: { path: '^packages/server-kit/src/' },
    to: { path: '^packages/(handset|center|pc|safe|cli|testkit)/|@phonesafe/(handset|center|pc|safe|cli|testkit)' },
  },
  {
    name: 'clients-never-use-server-kit',
    comment: 'the handset and the pc are clients: server plumbing is not theirs',
    severity: 'error',
    from: { path: '^packages/(handset|pc|protocol)/src/' },
    to: { path: '^packages/server-kit/|@phonesafe/server-kit' },
  },
];

/**
 * Protocol and testkit (the kits block; the tests' own rules are in
 * .dependency-cruiser-tests.cjs, which resolves workspace imports).
 *
 * The testkit serves tests only and starts roles as processes, so it imports
 * no role. `@phonesafe/protocol`'s root export is what a browser may import:
 * nothing reachable from `src/index.ts` imports a `node:` module. The Node
 * bindings live under `src/node/` (the `@phonesafe/protocol/node` export),
 * and neutral modules never import them, so the first two protocol rules
 * keep the root's whole import graph free of Node; the reachability rule
 * checks the same from the entry itself.
 */
const { builtinModules } = require('node:module');
const kitsRules = [
  {
    name: 'testkit-is-role-neutral',
    comment: 'the testkit starts roles as processes and imports none of them (protocol only)',
    severity: 'error',
    from: { path: '^packages/testkit/src/' },
    to: { path: '^packages/(handset|center|pc|cli|safe)/|@phonesafe/(handset|center|pc|cli|safe)' },
  },
  {
    name: 'only-tests-use-the-testkit',
    comment: 'the testkit is for tests: no package source imports it',
    severity: 'error',
    from: { path: '^packages/(protocol|handset|center|pc|cli|safe)/src/' },
    to: { path: '^packages/testkit/|@phonesafe/testkit' },
  },
  {
    name: 'protocol-root-is-neutral',
    comment: 'protocol modules outside src/node/ import no node: core module (a browser imports them)',
    severity: 'error',
    from: { path: '^packages/protocol/src/', pathNot: '^packages/protocol/src/node/' },
    to: { dependencyTypes: ['core'] },
  },
  {
    name: 'protocol-neutral-never-imports-node-bindings',
    comment: 'the root of @phonesafe/protocol must not reach the Node bindings of @phonesafe/protocol/node',
    severity: 'error',
    from: { path: '^packages/protocol/src/', pathNot: '^packages/protocol/src/node/' },
    to: { path: '^packages/protocol/src/node/' },
  },
  {
    name: 'protocol-root-reaches-no-node-module',
    comment: 'nothing reachable from the root entry of @phonesafe/protocol is a node: core module',
    severity: 'error',
    from: { path: '^packages/protocol/src/index\\.ts$' },
    to: { path: `^(${builtinModules.join('|')})$`, reachable: true },
  },
];

module.exports = {
  forbidden: [
    ...roleRules,
    ...handsetRules,
    ...centerRules,
    ...serverKitRules,
    ...safeRules,
    ...kitsRules,
    {
      name: 'protocol-is-a-leaf',
      comment: 'protocol is shared by every role and imports none of ours',
      severity: 'error',
      from: { path: '^packages/protocol/src/' },
      to: { path: '^packages/(handset|center|pc|cli|safe|server-kit)/|@phonesafe/(handset|center|pc|cli|safe|server-kit)' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^packages/[^/]+/src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    exclude: { path: '(^|/)test/' },
  },
};
