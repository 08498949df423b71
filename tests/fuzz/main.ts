/**
 * `deno task fuzz [--long] [--cases N] [--seed S] [--only TARGET]`: runs the
 * fuzz tests with a bigger budget than CI's (`--long`: 1 000 000 cases per target).
 */
const args = Deno.args;
const get = (flag: string) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const env: Record<string, string> = {
  FUZZ_CASES: get("--cases") ?? (args.includes("--long") ? "1000000" : "10000"),
};
const seed = get("--seed");
if (seed) env.FUZZ_SEED = seed;
const only = get("--only");
if (only) env.FUZZ_ONLY = only;
const dir = decodeURIComponent(new URL(".", import.meta.url).pathname);
const { code } = await new Deno.Command("deno", {
  args: ["test", "-A", `${dir}readers_fuzz_test.ts`],
  env,
  stdout: "inherit",
  stderr: "inherit",
}).spawn().status;
Deno.exit(code);
