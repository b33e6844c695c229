/** Where the project's own folders are, whatever the working directory. */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
export const prismaDir = path.join(projectRoot, 'prisma');
export const schemaPath = path.join(prismaDir, 'schema.prisma');
export const migrationsDir = path.join(prismaDir, 'migrations');
export const localesDir = path.join(projectRoot, 'locales');
export const defaultContentDir = path.join(projectRoot, 'content');
