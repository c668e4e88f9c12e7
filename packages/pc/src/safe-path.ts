import { isAbsolute, relative, resolve, sep } from 'node:path';
import { PhoneSafeError } from '@phonesafe/protocol';
import { targetSegments } from '@phonesafe/protocol/node';

/**
 * Where a manifest path lands under `root`: the path's syntax is checked by
 * the protocol's `targetSegments` (hostile manifests), and the result is
 * checked to stay inside `root` as a last guard. Writing there goes through
 * `TargetDir`, which never follows a symbolic link below the root.
 */
export function resolveInside(root: string, manifestPath: string): string {
  const segments = targetSegments(manifestPath);
  const base = resolve(root);
  const target = resolve(base, ...segments);
  const rel = relative(base, target);
  if (rel === '' || rel === '..' || rel.startsWith('..' + sep) || isAbsolute(rel)) {
    throw new PhoneSafeError('VALIDATION_FAILED', `unsafe path (outside the output directory): ${JSON.stringify(manifestPath)}`);
  }
  return target;
}
