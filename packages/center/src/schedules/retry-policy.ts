import type { RetryPolicy } from '@phonesafe/protocol';

/** The policy in force for a handset: the center's defaults, overridden field by field by its schedule. */
export function effectiveRetry(defaults: RetryPolicy, override: Partial<RetryPolicy> | undefined): RetryPolicy {
  return { ...defaults, ...override };
}
