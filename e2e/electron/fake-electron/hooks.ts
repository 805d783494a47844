/** Node module hooks (`module.register`): the specifier `electron` loads the stand-in beside this file. */
const STAND_IN = new URL('./electron.js', import.meta.url).href;

type Next = (specifier: string, context: unknown) => Promise<unknown>;

export async function resolve(specifier: string, context: unknown, next: Next): Promise<unknown> {
  return specifier === 'electron' ? { url: STAND_IN, format: 'module', shortCircuit: true } : next(specifier, context);
}
