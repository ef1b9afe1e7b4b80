import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Real processes, real PyTorch, a real browser: generous but finite limits.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores here: integration tests spawn PyTorch and Chromium, so files run one at a time.
    fileParallelism: false,
  },
});
