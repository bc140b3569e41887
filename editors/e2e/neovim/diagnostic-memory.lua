-- What the server's diagnostics cost Neovim: opens one note of a vault with the plugin, waits
-- until no diagnostics have come for 10 s, and writes how many came and Neovim's memory to $OUT.
--
--   MODE=workspace|openFilesOnly VAULT=/tmp/v50k NOTE="Abstract Ledger.md" BIN=rhizome OUT=/tmp/m \
--     nvim --headless -u NONE -i NONE -n --cmd "set rtp^=editors/neovim" \
--     -c "luafile editors/e2e/neovim/diagnostic-memory.lua"
vim.cmd("filetype on")
local mode, vault = os.getenv("MODE"), os.getenv("VAULT")
local count, nonempty = 0, 0
local default = vim.lsp.handlers["textDocument/publishDiagnostics"]
require("rhizome").setup({
  cmd = { os.getenv("BIN") or "rhizome", "serve" },
  settings = { diagnosticMode = mode },
  handlers = {
    ["textDocument/publishDiagnostics"] = function(err, result, ctx, config)
      count = count + 1
      if result and #(result.diagnostics or {}) > 0 then
        nonempty = nonempty + 1
      end
      return default(err, result, ctx, config)
    end,
  },
})
local function status(key)
  local f = io.open("/proc/self/status")
  local s = f:read("*a")
  f:close()
  return tonumber(s:match(key .. ":%s*(%d+) kB"))
end
vim.cmd("edit " .. vim.fn.fnameescape(vault .. "/" .. os.getenv("NOTE")))
local t0 = vim.loop.hrtime()
local last, changed = -1, t0
vim.wait(600000, function()
  local now = vim.loop.hrtime()
  if count ~= last then
    last, changed = count, now
  end
  return (count > 0 and now - changed > 10e9) or (count == 0 and now - t0 > 60e9)
end, 500)
local f = io.open(os.getenv("OUT"), "w")
f:write(string.format("mode=%s publishes=%d non-empty=%d buffers=%d, the last %.1f s after opening, RSS %d MB (peak %d MB)\n",
  mode, count, nonempty, #vim.api.nvim_list_bufs(), (changed - t0) / 1e9,
  math.floor(status("VmRSS") / 1024), math.floor(status("VmHWM") / 1024)))
f:close()
vim.cmd("qall!")
