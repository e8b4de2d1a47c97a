// Drives an MCP server over stdio with the official TypeScript SDK client (as the MCP Inspector and most hosts
// do) and prints what the client saw, as JSON. Input (argv[2], JSON): {modules, command, args, env, calls}; each
// call is {name, arguments}. The SDK validates structuredContent against each tool's outputSchema, so a result
// that contradicts its schema shows up here as a thrown error instead of the server's message.
const path = require("node:path");
const { createRequire } = require("node:module");

async function main() {
  const input = JSON.parse(process.argv[2]);
  const load = createRequire(path.join(input.modules, "resolve.js"));
  const { Client } = load("@modelcontextprotocol/sdk/client/index.js");
  const { StdioClientTransport } = load("@modelcontextprotocol/sdk/client/stdio.js");
  const transport = new StdioClientTransport({ command: input.command, args: input.args, env: input.env, stderr: "pipe" });
  const client = new Client({ name: "tushare-typed-tests", version: "1.0.0" });
  await client.connect(transport);
  const listed = await client.listTools();
  const results = [];
  for (const call of input.calls) {
    try {
      const result = await client.callTool({ name: call.name, arguments: call.arguments });
      results.push({
        isError: Boolean(result.isError),
        text: result.content.map((part) => part.text).join("\n"),
        structuredContent: result.structuredContent ?? null,
      });
    } catch (error) {
      results.push({ thrown: String(error && error.message ? error.message : error) });
    }
  }
  await client.close();
  process.stdout.write(JSON.stringify({ tools: listed.tools.map((tool) => tool.name), toolsBytes: JSON.stringify(listed).length, results }));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(1);
});
