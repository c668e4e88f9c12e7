/**
 * Roles meet only on the wire (docs/architecture.md): a role's source never
 * imports another role. Tests may start other roles to talk to them; the cli
 * is the one package that wires roles together.
 */
const roles = ['handset', 'center', 'pc'];
const roleRules = roles.map((role) => ({
  name: `${role}-is-a-role`,
  comment: `${role} talks to other roles over the wire only`,
  severity: 'error',
  from: { path: `^packages/${role}/src/` },
  to: { path: `^packages/(${roles.filter((r) => r !== role).join('|')}|cli)/|@phonesafe/(${roles.filter((r) => r !== role).join('|')}|cli)` },
}));

module.exports = {
  forbidden: [
    ...roleRules,
    {
      name: 'protocol-is-a-leaf',
      comment: 'protocol is shared by every role and imports none of ours',
      severity: 'error',
      from: { path: '^packages/protocol/src/' },
      to: { path: '^packages/(handset|center|pc|cli)/|@phonesafe/(handset|center|pc|cli)' },
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
