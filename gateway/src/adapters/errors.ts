// The table readers throw the same class, so it is declared in the tables package, below the adapters.
export { AdapterError } from '@dmsnet/tables/errors';
