/**
 * The changelog topic configs of a window or session store (Java's `WindowedChangelogTopicConfig`): compacted
 * and deleted by time, with `retention.ms` = the store's retention plus
 * `windowstore.changelog.additional.retention.ms` (slack for clock drift, one day by default), unless the user
 * set it.
 */

/** Java's default for `windowstore.changelog.additional.retention.ms`: one day. */
export const DEFAULT_WINDOW_CHANGELOG_ADDITIONAL_RETENTION_MS = 86_400_000;

export function windowedChangelogConfigs(
  userLogConfig: Readonly<Record<string, string>>,
  retentionPeriod: number,
  streamsConfig: Readonly<Record<string, unknown>>,
): Record<string, string> {
  const configs: Record<string, string> = { 'cleanup.policy': 'compact,delete', ...userLogConfig };
  if (configs['retention.ms'] === undefined) {
    const setting = streamsConfig['windowstore.changelog.additional.retention.ms'];
    const additional = setting === undefined ? DEFAULT_WINDOW_CHANGELOG_ADDITIONAL_RETENTION_MS : Number(setting);
    if (!Number.isSafeInteger(additional) || additional < 0)
      throw new RangeError(
        `config "windowstore.changelog.additional.retention.ms" must be a non-negative integer, got ${String(setting)}`,
      );
    configs['retention.ms'] = String(retentionPeriod + additional);
  }
  return configs;
}
