// The bench's workloads: this folder's catalog.json, read through the engine's catalog
// reader (the bench supplies the path; the engine never reads it on its own).
import { fileURLToPath } from 'node:url';
import { loadCatalog, type CatalogWorkload } from '../../engine/inputs/workload-catalog.ts';

export const CATALOG_PATH = fileURLToPath(new URL('./catalog.json', import.meta.url));

export const benchCatalog = (): CatalogWorkload[] => loadCatalog(CATALOG_PATH);

export function benchWorkload(name: string): CatalogWorkload | undefined {
  return benchCatalog().find((w) => w.name === name);
}
