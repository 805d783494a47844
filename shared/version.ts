/** The ClaudeCluster version, reported by agents and the CLI. Keep in step with package.json. */
export const VERSION = '0.1.0';
