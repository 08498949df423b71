// deno-lint-ignore-file no-console
/**
 * The byte-scan bound: read a file and touch every byte (count '<' and '\n'),
 * the least any parser must do. Prints the count.
 */
const file = await Deno.open(Deno.args[0]!);
let n = 0;
for await (const chunk of file.readable) {
  for (let i = 0; i < chunk.length; i++) {
    const c = chunk[i]!;
    if (c === 60 || c === 10) n++;
  }
}
console.log(n);
