import { useEffect, useState, type Dispatch, type SetStateAction } from 'react';

/**
 * State a screen keeps while the app is open (a table's filters and selection survive opening a
 * trial and coming back), without a store entry per table: one map, by key.
 */
const memory = new Map<string, unknown>();

/** useState whose value outlives the component, under `key`, for as long as the page is loaded. */
export function useRemembered<T>(key: string, initial: () => T): [T, Dispatch<SetStateAction<T>>] {
  const [value, setValue] = useState<T>(() => (memory.has(key) ? (memory.get(key) as T) : initial()));
  useEffect(() => {
    memory.set(key, value);
  }, [key, value]);
  return [value, setValue];
}

/**
 * useState kept in localStorage under `key` (a column chooser's choice, which should outlive a
 * restart); a value that cannot be read back falls back to `initial`.
 */
export function usePersisted<T>(key: string, initial: T): [T, Dispatch<SetStateAction<T>>] {
  const [value, setValue] = useState<T>(() => {
    try {
      const raw = localStorage.getItem(key);
      return raw === null ? initial : (JSON.parse(raw) as T);
    } catch {
      return initial;
    }
  });
  useEffect(() => {
    localStorage.setItem(key, JSON.stringify(value));
  }, [key, value]);
  return [value, setValue];
}
