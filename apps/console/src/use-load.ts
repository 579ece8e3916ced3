import { useCallback, useEffect, useState } from 'react';
import { messageOf } from './api';

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` now and whenever `deps` change or `reload` is called; keeps the last answer while reloading. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const run = useCallback(load, deps);
  useEffect(() => {
    let live = true;
    setLoading(true);
    run().then(
      (value) => {
        if (!live) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (failure: unknown) => {
        if (!live) return;
        setError(messageOf(failure));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [run, generation]);
  return { data, error, loading, reload: () => setGeneration((n) => n + 1) };
}

/** Runs a user's action, keeping its failure to show; `then` runs after each success (a reload). */
export function useAction(then: () => void = () => undefined) {
  const [error, setError] = useState<string>();
  const run = async (action: () => Promise<void>) => {
    setError(undefined);
    try {
      await action();
      then();
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  return { error, run };
}
