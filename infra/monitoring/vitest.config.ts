import { defineConfig } from 'vitest/config';

// Its own project in the root config; the name is what `vitest run --project` takes.
export default defineConfig({
  test: { name: 'infra-monitoring', include: ['src/**/*.test.ts'] },
});
