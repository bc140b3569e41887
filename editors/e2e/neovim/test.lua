-- Headless Neovim E2E test of the rhizome plugin (editors/neovim) against the real server.
--
-- Run by run.sh as:
--   nvim --headless -u NONE -i NONE --cmd 'set rtp+=editors/neovim' -c 'luafile test.lua'
-- Environment:
--   RHIZOME_BIN          the server executable
--   RHIZOME_E2E_GARDEN   the garden (a copy: the test edits buffers, never saves)
--   RHIZOME_E2E_TARGETS  JSON from ../pick-targets.mjs
--   RHIZOME_E2E_OUT      where to write the results (JSON)
--   RHIZOME_E2E_TIMEOUT  ms to wait for each answer (default 20000)
--
-- This file only records what happened; check.mjs decides pass/fail.

-- -u NONE loads no filetype detection: the plugin starts on the FileType event.
vim.cmd("filetype on")

local out = {
  nvim = vim.version and tostring(vim.version().major .. "." .. vim.version().minor .. "." .. vim.version().patch),
  has_vim_lsp_start = vim.lsp.start ~= nil, -- before any polyfill
  errors = {},
  diagnostics = {},
  steps = {},
}
local timeout = tonumber(os.getenv("RHIZOME_E2E_TIMEOUT") or "") or 20000

local function write_out()
  local f = assert(io.open(os.getenv("RHIZOME_E2E_OUT"), "w"))
  f:write(vim.fn.json_encode(out))
  f:close()
end

local function finish(code)
  write_out()
  vim.cmd((code == 0) and "qall!" or "cquit! " .. code)
end

local function readfile(p)
  local f = assert(io.open(p, "r"), "cannot read " .. p)
  local s = f:read("*a")
  f:close()
  return s
end

local function step(name, fn)
  local t0 = vim.loop.hrtime()
  local ok, err = xpcall(fn, debug.traceback)
  out.steps[#out.steps + 1] = { name = name, ok = ok, ms = math.floor((vim.loop.hrtime() - t0) / 1e6) }
  if not ok then
    table.insert(out.errors, name .. ": " .. tostring(err))
  end
  return ok
end

local function env(name)
  local v = os.getenv(name)
  if v == nil or v == "" then
    table.insert(out.errors, name .. " is not set")
    finish(1)
  end
  return v
end
local targets = vim.fn.json_decode(readfile(env("RHIZOME_E2E_TARGETS")))
local garden = vim.loop.fs_realpath(env("RHIZOME_E2E_GARDEN"))
local bin = env("RHIZOME_BIN")
out.targets = targets
out.garden = garden

-- Record every publishDiagnostics that arrives, then hand it to Neovim's own handler.
local default_diag = vim.lsp.handlers["textDocument/publishDiagnostics"]
local function record_diagnostics(err, result, ctx, config)
  if result then
    table.insert(out.diagnostics, {
      uri = result.uri,
      count = #(result.diagnostics or {}),
      diagnostics = result.diagnostics,
    })
  end
  return default_diag(err, result, ctx, config)
end

local log_path = os.getenv("RHIZOME_E2E_LSP_LOG")
if log_path then
  vim.lsp.set_log_level("debug")
end
out.lsp_log = vim.lsp.get_log_path()

-- RHIZOME_E2E_POLYFILL_START=1: give 0.7 a vim.lsp.start written like Neovim 0.8's, so that the
-- plugin's 0.8+ branch runs here too (Debian has no newer Neovim).
if os.getenv("RHIZOME_E2E_POLYFILL_START") == "1" and vim.lsp.start == nil then
  out.polyfilled_start = true
  vim.lsp.start = function(config, opts)
    opts = opts or {}
    local reuse_client = opts.reuse_client
      or function(client, conf)
        return client.config.root_dir == conf.root_dir and client.name == conf.name
      end
    local bufnr = opts.bufnr
    if bufnr == nil or bufnr == 0 then
      bufnr = vim.api.nvim_get_current_buf()
    end
    for _, client in pairs(vim.lsp.get_active_clients()) do
      if reuse_client(client, config) then
        vim.lsp.buf_attach_client(bufnr, client.id)
        return client.id
      end
    end
    local client_id = vim.lsp.start_client(config)
    if client_id == nil then
      return nil
    end
    vim.lsp.buf_attach_client(bufnr, client_id)
    return client_id
  end
end

local ok_setup = step("setup", function()
  require("rhizome").setup({
    cmd = { bin, "serve" },
    handlers = { ["textDocument/publishDiagnostics"] = record_diagnostics },
    on_exit = function(code, signal)
      out.server_exit = { code = code, signal = signal }
    end,
    settings = {},
  })
end)
if not ok_setup then
  finish(1)
  return
end

local function abs(rel)
  return garden .. "/" .. rel
end

-- buffers_by_name maps each buffer's full name to its number. Not vim.fn.bufnr(), which matches
-- a pattern against every buffer's name: Neovim keeps a buffer for each note the server publishes
-- diagnostics for, 38,000 in a generated vault of 50,000 notes, where one call took 0.4 s.
local function buffers_by_name()
  local m = {}
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    m[vim.api.nvim_buf_get_name(b)] = b
  end
  return m
end

-- buf_of is the number of the buffer of the garden's file rel, or -1.
local function buf_of(rel)
  return buffers_by_name()[abs(rel)] or -1
end

-- Compatibility between 0.7 and current releases (functions renamed or deprecated since).
local function buf_clients(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr })
  end
  return vim.lsp.buf_get_clients(bufnr)
end
local function is_stopped(c)
  if vim.fn.has("nvim-0.11") == 1 then
    return c:is_stopped()
  end
  return c.is_stopped()
end
local function is_initialized(c)
  if c.initialized ~= nil then
    return c.initialized
  end
  return next(c.server_capabilities or c.resolved_capabilities or {}) ~= nil
end
local islist = vim.islist or vim.tbl_islist
local function jump(loc, encoding)
  if vim.lsp.util.show_document then
    return vim.lsp.util.show_document(loc, encoding, { focus = true })
  end
  return vim.lsp.util.jump_to_location(loc, encoding)
end

local function rhizome_client(bufnr)
  for _, c in pairs(buf_clients(bufnr)) do
    if c.name == "rhizome" then
      return c
    end
  end
  return nil
end

local function wait_client(bufnr)
  local client
  local ok = vim.wait(timeout, function()
    client = rhizome_client(bufnr)
    return out.server_exit ~= nil or (client ~= nil and is_initialized(client) and not is_stopped(client))
  end, 50)
  assert(out.server_exit == nil, "the server exited: " .. vim.fn.json_encode(out.server_exit))
  assert(ok and client, "no initialized rhizome client attached to buffer " .. bufnr)
  out.client_ids = out.client_ids or {}
  out.client_ids[tostring(client.id)] = true
  return client
end

local function open(rel)
  vim.cmd("edit " .. vim.fn.fnameescape(abs(rel)))
  local bufnr = vim.api.nvim_get_current_buf()
  assert(vim.bo[bufnr].filetype == "markdown", "filetype is " .. vim.bo[bufnr].filetype)
  return bufnr
end

-- Position params in the client's encoding, for the cursor at (line, byte column).
local function position_params(client, line, col_byte)
  vim.api.nvim_win_set_cursor(0, { line + 1, col_byte })
  return vim.lsp.util.make_position_params(0, client.offset_encoding or "utf-16")
end

-- The quickfix list, once a command filled it ({ title, items = { file, line } }), then closed.
local function quickfix()
  vim.wait(timeout, function()
    return #vim.fn.getqflist() > 0
  end, 50)
  local qf = vim.fn.getqflist({ title = 1, items = 1 })
  local out = { title = qf.title, items = {} }
  for _, item in ipairs(qf.items) do
    local name = vim.api.nvim_buf_get_name(item.bufnr)
    table.insert(out.items, { file = vim.loop.fs_realpath(name) or name, line = item.lnum - 1 })
  end
  vim.cmd("cclose")
  return out
end

local function first_result(responses)
  for id, resp in pairs(responses or {}) do
    if resp.err then
      return nil, ("client %s: error %s"):format(id, vim.fn.json_encode(resp.err))
    end
    if resp.result ~= nil then
      return resp.result
    end
  end
  return nil, "no result"
end

-- 1. Diagnostics of the note with the broken link.
step("diagnostics", function()
  local bufnr = open(targets.broken.file)
  local client = wait_client(bufnr)
  out.client = {
    id = client.id,
    root_dir = client.config.root_dir,
    offset_encoding = client.offset_encoding,
    server_capabilities = client.server_capabilities or client.resolved_capabilities,
  }
  local uri = vim.uri_from_bufnr(bufnr)
  out.diagnostics_uri = uri
  local got = vim.wait(timeout, function()
    if out.server_exit then
      return true
    end
    for _, d in ipairs(out.diagnostics) do
      if d.uri == uri and d.count > 0 then
        return true
      end
    end
    return false
  end, 50)
  assert(out.server_exit == nil, "the server exited: " .. vim.fn.json_encode(out.server_exit))
  assert(got, "no non-empty publishDiagnostics for " .. uri .. " within " .. timeout .. " ms")
  out.buffer_diagnostics = vim.diagnostic.get(bufnr)
end)

-- 2. Hover, 3. definition on a link to a note with a description.
local link_buf
step("hover", function()
  link_buf = open(targets.link.file)
  local client = wait_client(link_buf)
  local params = position_params(client, targets.link.line, targets.link.colByte)
  out.hover_params = params
  local responses, err = vim.lsp.buf_request_sync(link_buf, "textDocument/hover", params, timeout)
  assert(responses, "hover: " .. tostring(err))
  local result, rerr = first_result(responses)
  out.hover = result
  assert(result, "hover: " .. tostring(rerr))
end)

step("definition", function()
  local client = wait_client(link_buf)
  local params = position_params(client, targets.link.line, targets.link.colByte)
  local responses, err = vim.lsp.buf_request_sync(link_buf, "textDocument/definition", params, timeout)
  assert(responses, "definition: " .. tostring(err))
  local result, rerr = first_result(responses)
  out.definition = result
  assert(result, "definition: " .. tostring(rerr))
  -- Also follow it the way a user does (vim.lsp.buf.definition jumps).
  local loc = result
  if islist(result) then
    loc = result[1]
  end
  if loc then
    local uri = loc.uri or loc.targetUri
    out.definition_file = vim.loop.fs_realpath(vim.uri_to_fname(uri)) or vim.uri_to_fname(uri)
    jump(loc, client.offset_encoding or "utf-16")
    out.after_jump_buffer = vim.loop.fs_realpath(vim.api.nvim_buf_get_name(0)) or vim.api.nvim_buf_get_name(0)
    -- The target note is another buffer of the same vault: the same client must serve it.
    wait_client(vim.api.nvim_get_current_buf())
  end
end)

-- 3b. Code lenses on the note a heading link leads to, which the plugin shows by itself (it
-- refreshes them when a buffer attaches or is entered): the note's backlinks on its first line,
-- the links to the heading on the heading's line. Running the heading's lens as a user does
-- (vim.lsp.codelens.run on that line) puts those links in the quickfix list.
step("codelens", function()
  local h = targets.headingLink
  assert(h, "the garden has no [[Note#Heading]] link (pick-targets headingLink is null)")
  local buf = open(h.targetFile)
  wait_client(buf)
  out.codelens = { file = h.targetFile, lenses = {} }
  local function heading_lens()
    local lenses = vim.lsp.codelens.get(buf)
    for _, l in ipairs(lenses) do
      if l.range.start.line == h.headingLine and l.command then
        return lenses
      end
    end
  end
  out.codelens.plugin_refreshed = vim.wait(timeout / 2, function()
    return heading_lens() ~= nil
  end, 50)
  if not out.codelens.plugin_refreshed then
    vim.wait(timeout / 2, function()
      vim.lsp.codelens.refresh()
      return heading_lens() ~= nil
    end, 300)
  end
  local lenses = heading_lens() or vim.lsp.codelens.get(buf)
  for _, l in ipairs(lenses) do
    table.insert(out.codelens.lenses, {
      line = l.range.start.line,
      title = l.command and l.command.title,
      command = l.command and l.command.command,
    })
  end
  vim.fn.setqflist({}, "r")
  vim.api.nvim_win_set_cursor(0, { h.headingLine + 1, 0 })
  vim.lsp.codelens.run() -- the command asks the server for the links, then fills the list
  out.codelens.quickfix = quickfix()
end)

-- 3c. :RhizomeUnlinkedMentions on the note that other notes name most often without linking to
-- it: the quickfix list holds where (pick-targets finds them in the garden's files).
step("unlinked", function()
  local u = targets.unlinked
  assert(u, "the garden has no unlinked mention (pick-targets unlinked is null)")
  local buf = open(u.file)
  wait_client(buf)
  vim.fn.setqflist({}, "r")
  vim.cmd("RhizomeUnlinkedMentions")
  out.unlinked = quickfix()
end)

-- 3d. :RhizomeLinkUnlinkedMentions on the same note: the server's edit (workspace/applyEdit) turns
-- each of those places into a link in its buffer, and the server, which sees the buffers, lists
-- none after.
step("link unlinked", function()
  local u = targets.unlinked
  assert(u, "the garden has no unlinked mention (pick-targets unlinked is null)")
  local buf = open(u.file)
  local client = wait_client(buf)
  local stem = vim.fn.fnamemodify(u.file, ":t:r")
  vim.cmd("RhizomeLinkUnlinkedMentions")
  out.link_unlinked = { lines = {} }
  local function linked_lines()
    local lines = {}
    local bufs = buffers_by_name()
    for _, m in ipairs(u.mentions) do
      local b = bufs[abs(m.file)] or -1
      local line = b > 0 and vim.api.nvim_buf_is_loaded(b) and vim.api.nvim_buf_get_lines(b, m.line, m.line + 1, false)[1] or nil
      table.insert(lines, { file = m.file, line = m.line, text = line })
    end
    return lines
  end
  local function all_linked()
    out.link_unlinked.lines = linked_lines()
    for _, l in ipairs(out.link_unlinked.lines) do
      if not l.text or not l.text:lower():find(stem:lower(), 1, true) or not l.text:find("[[", 1, true) and not l.text:find("](", 1, true) then
        return false
      end
    end
    return true
  end
  -- Once more after the wait: vim.wait does not look again after the events it handled last, and
  -- in a 50k vault those can be the tail of the server's first diagnostics (38,000 notes), which
  -- Neovim handles for longer than the wait has left, the edit in among them.
  if not vim.wait(timeout, all_linked, 100) then
    all_linked()
  end
  -- The server lists none once it has the edited buffers.
  vim.wait(timeout, function()
    local resp = vim.lsp.buf_request_sync(buf, "workspace/executeCommand", { command = "rhizome.unlinkedMentions", arguments = { vim.uri_from_bufnr(buf) } }, 2000)
    local res = first_result(resp)
    out.link_unlinked.left = res and #res or nil
    return out.link_unlinked.left == 0
  end, 200)
  assert(client, "no client")
end)

-- Completion at the end of typed, written on a new last line of the link note after an empty
-- one; returns the server's list and the 0-based line of typed.
local function complete_new_line(typed)
  local last = vim.api.nvim_buf_line_count(link_buf)
  vim.api.nvim_buf_set_lines(link_buf, last, last, false, { "", typed })
  vim.wait(300) -- let the didChange go out (0.7 debounces)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(link_buf) },
    position = { line = last + 1, character = #typed }, -- ASCII: the same in every encoding
    context = { triggerKind = 1 },
  }
  local responses, err = vim.lsp.buf_request_sync(link_buf, "textDocument/completion", params, timeout)
  assert(responses, "completion: " .. tostring(err))
  local result, rerr = first_result(responses)
  assert(result, "completion: " .. tostring(rerr))
  return result, last + 1
end

-- Completion as a user types word after before: its first `from` characters, then one more at a
-- time while the list is cut short (a large vault has more matching notes than a list holds) and
-- lacks what found looks for. Returns the last list and what was typed for it.
local function complete_typing(before, word, from, found)
  local n = vim.fn.strchars(word)
  local result, typed
  for k = math.min(from, n), n do
    typed = before .. vim.fn.strcharpart(word, 0, k)
    result = complete_new_line(typed)
    if not result.isIncomplete or found(result.items or result) then
      break
    end
  end
  return result, typed
end

-- has_label makes a found for complete_typing: whether a list has an item labelled label.
local function has_label(label)
  local want = vim.trim(label:gsub("%s+", " ")):lower()
  return function(items)
    for _, item in ipairs(items) do
      if vim.trim(item.label:gsub("%s+", " ")):lower() == want then
        return true
      end
    end
    return false
  end
end

-- 4. Completion after typing `[[` on a new last line of the link note.
step("completion", function()
  vim.api.nvim_set_current_buf(link_buf)
  local client = wait_client(link_buf)
  local last = vim.api.nvim_buf_line_count(link_buf)
  vim.api.nvim_buf_set_lines(link_buf, last, last, false, { "", "See [[" })
  local line = last + 1 -- 0-based index of the new "See [[" line
  vim.api.nvim_win_set_cursor(0, { line + 1, 5 })
  vim.wait(300) -- let the didChange go out (0.7 debounces)
  -- The position just after "[[" (column 6, ASCII so the same in every encoding). In normal
  -- mode the cursor cannot stand past the last character, so do not derive it from the cursor.
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(link_buf) },
    position = { line = line, character = 6 },
    context = { triggerKind = 2, triggerCharacter = "[" },
  }
  out.completion_params = params
  local responses, err = vim.lsp.buf_request_sync(link_buf, "textDocument/completion", params, timeout)
  assert(responses, "completion: " .. tostring(err))
  local result, rerr = first_result(responses)
  assert(result, "completion: " .. tostring(rerr))
  local items = result.items or result
  out.completion = { is_incomplete = result.isIncomplete, count = #items, items = {} }
  for i, item in ipairs(items) do
    if i > 500 then
      break
    end
    table.insert(out.completion.items, {
      label = item.label,
      detail = item.detail,
      filterText = item.filterText,
      insertText = item.insertText,
      textEdit = item.textEdit,
      kind = item.kind,
    })
  end
  -- A list cut short (a large vault has more notes than it holds) is asked again as the user
  -- types the title: its first three letters, and more while they are not enough.
  if result.isIncomplete then
    local again, typed = complete_typing("See [[", targets.completion.title, 3, has_label(targets.completion.title))
    out.completion.typed = typed
    out.completion.typed_labels = {}
    for _, item in ipairs(again.items or again) do
      table.insert(out.completion.typed_labels, item.label)
    end
  end
end)

-- 4b. Frontmatter completion in a note of the garden with a header (one no other step edits, whose
-- header lacks a key another note's has): a new empty line in its header, completion at its start
-- offers the keys the garden uses; its publish line emptied to `publish: `, completion after it
-- offers true and false. check.mjs counts the keys and values from the garden's files. The buffer
-- is put back as it was at the end.
step("frontmatter completion", function()
  local function header_of(lines)
    if lines[1] ~= "---" then
      return nil
    end
    local keys, close = {}, nil
    for i = 2, #lines do
      if lines[i]:match("^%-%-%-%s*$") then
        close = i
        break
      end
      local k = lines[i]:match("^([%w_][%w_%-]*):")
      if k then
        keys[k] = i
      end
    end
    if close then
      return { keys = keys, close = close }
    end
  end
  local others = {}
  for _, rel in ipairs({ targets.link.file, targets.link.targetFile, targets.broken.file }) do
    others[abs(rel)] = true
  end
  local headers, files = {}, vim.fn.globpath(garden, "**/*.md", false, true)
  table.sort(files)
  local all = {}
  for _, p in ipairs(files) do
    headers[p] = header_of(vim.fn.readfile(p))
    for k in pairs(headers[p] and headers[p].keys or {}) do
      all[k] = true
    end
  end
  -- A header with publish: first; in a garden that writes none (Foam's, Quartz's docs), any
  -- header, to which publish: is then added.
  local rel, head
  for pass = 1, 2 do
    for _, p in ipairs(files) do
      local h = headers[p]
      if not rel and h and not others[p] and (pass == 2 or h.keys.publish) then
        for k in pairs(all) do
          if not h.keys[k] then
            rel, head = p:sub(#garden + 2), h
          end
        end
      end
    end
  end
  assert(rel, "no note of the garden has a header that lacks a key another header has")
  local buf = open(rel)
  wait_client(buf)
  local original = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  out.frontmatter = { file = rel, keys = vim.tbl_keys(head.keys) }
  local function complete(line, character)
    vim.wait(300) -- let the didChange go out (0.7 debounces)
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      position = { line = line, character = character }, -- ASCII before it: the same in every encoding
      context = { triggerKind = 1 },
    }
    local responses, err = vim.lsp.buf_request_sync(buf, "textDocument/completion", params, timeout)
    assert(responses, "completion: " .. tostring(err))
    local result, rerr = first_result(responses)
    assert(result, "completion: " .. tostring(rerr))
    local items = {}
    for _, item in ipairs(result.items or result) do
      table.insert(items, { label = item.label, detail = item.detail, kind = item.kind, textEdit = item.textEdit })
    end
    return items
  end
  -- A new empty line just before the closing '---' (0-based: head.close - 1).
  vim.api.nvim_buf_set_lines(buf, head.close - 1, head.close - 1, false, { "" })
  out.frontmatter.keys_line = head.close - 1
  out.frontmatter.key_items = complete(head.close - 1, 0)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, original)
  local at = head.keys.publish and head.keys.publish - 1 or head.close - 1
  vim.api.nvim_buf_set_lines(buf, at, head.keys.publish and at + 1 or at, false, { "publish: " })
  out.frontmatter.publish_line = at
  out.frontmatter.value_items = complete(at, #"publish: ")
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, original)
  vim.bo[buf].modified = false
end)

-- Accepts a block reference item in insert mode as a user accepts it, at the end of line at of
-- the link note: complete() from the column of "^" (after col bytes), the item's text replacing
-- what was typed after it, then <C-y>, so that the plugin's CompleteDone runs the item's command.
local function accept_block_item(item, at, col)
  local complete_item = {
    word = item.textEdit.newText,
    abbr = item.label,
    user_data = { nvim = { lsp = { completion_item = item } } },
  }
  _G.rhizome_e2e_complete = function()
    vim.fn.complete(col + 1, { complete_item })
    return ""
  end
  vim.api.nvim_win_set_cursor(0, { at + 1, 0 })
  local keys = vim.api.nvim_replace_termcodes("A<C-r>=v:lua.rhizome_e2e_complete()<CR><C-y><Esc>", true, false, true)
  vim.api.nvim_feedkeys(keys, "x", false)
end

-- 4c. A block reference, accepted in insert mode as a user accepts it: "[[Note#^word" on a new
-- line of the link note, where Note is pick-targets' heading link's note and word the longest of
-- its first one-line paragraph that has no id. The server's item for that paragraph goes through
-- complete() and <C-y>, so the plugin's CompleteDone runs the item's command, and the server has
-- Neovim add " ^id" to the paragraph in the other note's buffer.
step("block reference", function()
  local h = targets.headingLink
  assert(h, "the garden has no [[Note#Heading]] link (pick-targets headingLink is null)")
  -- The note as the server has it: an earlier step may have edited its buffer.
  local tbuf = buf_of(h.targetFile)
  local tlines = (tbuf > 0 and vim.api.nvim_buf_is_loaded(tbuf)) and vim.api.nvim_buf_get_lines(tbuf, 0, -1, false)
    or vim.fn.readfile(abs(h.targetFile))
  local blank = function(i)
    return tlines[i] == nil or vim.trim(tlines[i]) == ""
  end
  local para
  for i = 2, #tlines do
    if blank(i - 1) and blank(i + 1) and tlines[i]:match("^%a") and not tlines[i]:match("%^[%w-]+%s*$") then
      para = i
      break
    end
  end
  assert(para, "no one-line paragraph without an id in " .. h.targetFile)
  local word = ""
  for w in tlines[para]:gmatch("%a+") do
    if #w > #word then
      word = w
    end
  end
  word = word:lower()
  vim.api.nvim_set_current_buf(link_buf)
  wait_client(link_buf)
  local typed = "[[" .. h.target .. "#^" .. word
  local result, at = complete_new_line(typed)
  local squeeze = function(x)
    return (x:gsub("%s+", " "))
  end
  local want = squeeze(tlines[para]):sub(1, 30)
  local item
  for _, it in ipairs(result.items or result) do
    if squeeze(it.label):sub(1, 30) == want then
      item = it
    end
  end
  out.block_ref = { file = h.targetFile, line = para - 1, before = tlines[para], typed = typed, item = item }
  assert(item and item.textEdit, "no item for " .. want)
  accept_block_item(item, at, #("[[" .. h.target .. "#"))
  out.block_ref.link_at = at
  out.block_ref.link_line = vim.api.nvim_buf_get_lines(link_buf, at, at + 1, false)[1]
  local id = out.block_ref.link_line:match("#%^(%w+)%]%]$") or "?"
  vim.wait(timeout, function()
    tbuf = buf_of(h.targetFile)
    local l = tbuf > 0 and vim.api.nvim_buf_is_loaded(tbuf) and vim.api.nvim_buf_get_lines(tbuf, para - 1, para, false)[1]
    return l and vim.endswith(l, " ^" .. id)
  end, 50)
  if tbuf > 0 and vim.api.nvim_buf_is_loaded(tbuf) then
    out.block_ref.after = vim.api.nvim_buf_get_lines(tbuf, para - 1, para, false)[1]
  end
end)

-- 4d. The new block id renamed from the link's anchor (vim.lsp.buf.rename), once the server
-- has the id: the link and the paragraph's "^id" both change.
step("block rename", function()
  local b = out.block_ref
  assert(b and b.link_line and b.after, "no block reference to rename")
  local client = wait_client(link_buf)
  vim.api.nvim_set_current_buf(link_buf)
  local col = #b.link_line - 4 -- inside the id
  b.definition_line = nil
  vim.wait(timeout, function()
    local resp = vim.lsp.buf_request_sync(link_buf, "textDocument/definition", position_params(client, b.link_at, col), 2000)
    local res = first_result(resp)
    if res and islist(res) then
      res = res[1]
    end
    local range = res and (res.targetSelectionRange or res.range)
    b.definition_line = range and range.start.line
    return b.definition_line == b.line
  end, 100)
  position_params(client, b.link_at, col)
  vim.lsp.buf.rename("renamed-block")
  local tbuf = buf_of(b.file)
  vim.wait(timeout, function()
    b.renamed_link = vim.api.nvim_buf_get_lines(link_buf, b.link_at, b.link_at + 1, false)[1]
    b.renamed_paragraph = vim.api.nvim_buf_get_lines(tbuf, b.line, b.line + 1, false)[1]
    return vim.endswith(b.renamed_link, "#^renamed-block]]") and vim.endswith(b.renamed_paragraph, " ^renamed-block")
  end, 50)
end)

-- 4e. "[[^^" and the first words of that paragraph, on a new line of the link note: the search of
-- every note's blocks offers it by its text, linked by the id it now has. In a large vault a
-- search stops after a quarter of a second with what it found, the list marked incomplete; the
-- editor asks again, and the search goes on where it stopped.
step("any block", function()
  local b = out.block_ref
  assert(b and b.renamed_paragraph, "no renamed block to search for")
  local words = {}
  for w in b.before:gmatch("%S+") do
    if w:find("[%[%]|#%^]") or #words == 4 then
      break
    end
    table.insert(words, w)
  end
  assert(#words >= 2, "the paragraph does not start with two plain words: " .. b.before)
  local squeeze = function(x)
    return vim.trim((x:gsub("%s+", " ")))
  end
  local want = squeeze(b.before):sub(1, 30)
  local a = { typed = "[[^^" .. table.concat(words, " "), asks = 0 }
  b.any = a
  vim.api.nvim_set_current_buf(link_buf)
  wait_client(link_buf)
  for _ = 1, 10 do
    local result = complete_new_line(a.typed)
    local items = result.items or result
    a.asks, a.incomplete, a.labels = a.asks + 1, result.isIncomplete, {}
    for _, it in ipairs(items) do
      table.insert(a.labels, it.label)
      if squeeze(it.label):sub(1, 30) == want then
        a.label, a.new_text = it.label, it.textEdit and it.textEdit.newText
      end
    end
    if a.label or not result.isIncomplete then
      break
    end
  end
end)

-- 4f. A callout named by a block reference: "[[Note#^" and the longest word of its title, on a
-- new line of the link note. The callout is offered whole, by its first line (Obsidian links to
-- no part of one), and accepted, the server has Neovim put its id on a line of its own after
-- it, a blank line between, as Obsidian writes it.
step("callout block", function()
  local c = targets.callout
  assert(c, "the garden has no callout (pick-targets callout is null)")
  local word = ""
  for w in c.title:gmatch("%a+") do
    if #w > #word then
      word = w
    end
  end
  vim.api.nvim_set_current_buf(link_buf)
  wait_client(link_buf)
  local typed = "[[" .. c.target .. "#^" .. word:lower()
  local result, at = complete_new_line(typed)
  local r = { typed = typed, labels = {} }
  out.callout = r
  local item
  for _, it in ipairs(result.items or result) do
    table.insert(r.labels, it.label)
    -- A label is the block's first line, cut short; the title is its start.
    if not item and it.label:sub(1, #c.title) == c.title then
      item = it
    end
  end
  assert(item and item.textEdit, "no item labelled " .. c.title .. "…")
  accept_block_item(item, at, #("[[" .. c.target .. "#"))
  r.link_line = vim.api.nvim_buf_get_lines(link_buf, at, at + 1, false)[1]
  local id = r.link_line:match("#%^(%w+)%]%]$") or "?"
  vim.wait(timeout, function()
    local tbuf = buf_of(c.targetFile)
    if tbuf <= 0 or not vim.api.nvim_buf_is_loaded(tbuf) then
      return false
    end
    r.after = vim.api.nvim_buf_get_lines(tbuf, c.lastLine, c.lastLine + 4, false)
    return r.after[3] == "^" .. id
  end, 50)
  -- Definition on the new link, once the server has the id: the callout whole, from its first
  -- line to the id; followed as a user follows it, the cursor is on that first line.
  local client = wait_client(link_buf)
  local col = #r.link_line - 4 -- inside the id
  local loc
  vim.wait(timeout, function()
    local resp = vim.lsp.buf_request_sync(link_buf, "textDocument/definition", position_params(client, at, col), 2000)
    loc = first_result(resp)
    if loc and islist(loc) then
      loc = loc[1]
    end
    local range = loc and (loc.targetRange or loc.range)
    r.definition = range and { range.start.line, range["end"].line }
    return r.definition ~= nil and r.definition[2] == c.lastLine + 2
  end, 100)
  if loc then
    jump(loc, client.offset_encoding or "utf-16")
    r.jumped = {
      file = vim.loop.fs_realpath(vim.api.nvim_buf_get_name(0)) or vim.api.nvim_buf_get_name(0),
      line = vim.api.nvim_win_get_cursor(0)[1] - 1,
    }
    vim.api.nvim_set_current_buf(link_buf)
  end
end)

-- 5. The link's target note retitled in its buffer (not saved), then completion after `[[` and
-- the start of its file name in the link note: the server follows the edit of another buffer, and
-- offers the note under its new title, once, and no longer under the old one.
local new_title = "Zebra Crossing Retitled"
step("retitle", function()
  local buf = open(targets.link.targetFile)
  wait_client(buf)
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local title_line = "title: " .. new_title
  if lines[1] == "---" then
    local at
    for i = 2, #lines do
      if lines[i] == "---" or lines[i] == "..." then
        break
      end
      if lines[i]:match("^title:") then
        at = i
        break
      end
    end
    if at then
      vim.api.nvim_buf_set_lines(buf, at - 1, at, false, { title_line })
    else
      vim.api.nvim_buf_set_lines(buf, 1, 1, false, { title_line })
    end
  else
    vim.api.nvim_buf_set_lines(buf, 0, 0, false, { "---", title_line, "---" })
  end
  vim.wait(300) -- let the didChange go out (0.7 debounces)

  vim.api.nvim_set_current_buf(link_buf)
  local client = wait_client(link_buf)
  local stem = vim.fn.fnamemodify(targets.link.targetFile, ":t:r")
  -- Its first four letters, and more while a large vault's list, cut short, lacks the note.
  local result, typed = complete_typing("See [[", stem, 4, has_label(new_title))
  out.retitle = { new_title = new_title, typed = typed, labels = {} }
  for _, item in ipairs(result.items or result) do
    table.insert(out.retitle.labels, item.label)
  end
  assert(client, "no client")
  -- The title back as it was: the rename below writes this buffer (Neovim saves a buffer it
  -- moves), and a title left in it would be one more note with that key on disk than the
  -- server counted when the frontmatter step asked.
  vim.api.nvim_buf_call(buf, function()
    vim.cmd("edit!")
  end)
  vim.wait(300)
end)

-- 6. Rename the link's target note from the link, as a user does (vim.lsp.buf.rename): the file
-- moves on disk, the links in every note follow (in buffers, unsaved), and definition on the link
-- then lands in the moved file once the server has seen the move.
local new_name = "Renamed By Rhizome E2E"
step("rename", function()
  vim.api.nvim_set_current_buf(link_buf)
  local client = wait_client(link_buf)
  local params = position_params(client, targets.link.line, targets.link.colByte)
  local responses, err = vim.lsp.buf_request_sync(link_buf, "textDocument/prepareRename", params, timeout)
  assert(responses, "prepareRename: " .. tostring(err))
  local prep, perr = first_result(responses)
  out.rename = { new_name = new_name, prepare = prep }
  assert(prep, "prepareRename: " .. tostring(perr))
  local old = abs(targets.link.targetFile)
  local new = vim.fn.fnamemodify(old, ":h") .. "/" .. new_name .. ".md"
  out.rename.new_file = new
  -- The edit goes to Neovim's own handler; an error is recorded rather than shown (a message in
  -- headless Neovim stops this script).
  local default_rename = vim.lsp.handlers["textDocument/rename"]
  vim.lsp.handlers["textDocument/rename"] = function(rerr, result, ctx, config)
    out.rename.error = rerr
    out.rename.edit = result
    if rerr == nil then
      return default_rename(rerr, result, ctx, config)
    end
  end
  position_params(client, targets.link.line, targets.link.colByte) -- the cursor, which rename reads
  vim.lsp.buf.rename(new_name)
  vim.wait(timeout, function()
    return vim.loop.fs_stat(new) ~= nil and vim.loop.fs_stat(old) == nil
  end, 50)
  out.rename.old_exists = vim.loop.fs_stat(old) ~= nil
  out.rename.new_exists = vim.loop.fs_stat(new) ~= nil
  out.rename.link_line = vim.api.nvim_buf_get_lines(link_buf, targets.link.line, targets.link.line + 1, false)[1]
  -- Every loaded buffer that now names the note by its new name.
  out.rename.edited = {}
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(b) then
      for _, l in ipairs(vim.api.nvim_buf_get_lines(b, 0, -1, false)) do
        if l:find("[[" .. new_name, 1, true) then
          table.insert(out.rename.edited, vim.loop.fs_realpath(vim.api.nvim_buf_get_name(b)) or vim.api.nvim_buf_get_name(b))
          break
        end
      end
    end
  end
  vim.api.nvim_set_current_buf(link_buf)
  local landed = vim.wait(timeout, function()
    local resp = vim.lsp.buf_request_sync(link_buf, "textDocument/definition", position_params(client, targets.link.line, targets.link.colByte), 2000)
    local res = first_result(resp)
    if res and islist(res) then
      res = res[1]
    end
    local uri = res and (res.uri or res.targetUri)
    out.rename.definition = uri and vim.uri_to_fname(uri)
    return out.rename.definition ~= nil and (vim.loop.fs_realpath(out.rename.definition) or "") == (vim.loop.fs_realpath(new) or new)
  end, 200)
  out.rename.definition_landed = landed
end)

-- 7. diagnosticMode changed at run time as a user changes a server setting in Neovim (the
-- client's settings, then workspace/didChangeConfiguration; the server asks for them back with
-- workspace/configuration): under openFilesOnly the diagnostics of a note no buffer shows go, and
-- those of the open broken note stay; back under workspace, they return.
local function client_notify(c, method, params)
  if vim.fn.has("nvim-0.11") == 1 then
    return c:notify(method, params)
  end
  return c.notify(method, params)
end
step("diagnostic mode", function()
  -- Buffers hold the rename's unsaved edits: the broken note's is shown (it may be one of
  -- them), the current one hidden, not abandoned.
  local bufnr = buf_of(targets.broken.file)
  if bufnr ~= -1 and vim.api.nvim_buf_is_loaded(bufnr) then
    vim.api.nvim_set_current_buf(bufnr)
  else
    vim.cmd("hide edit " .. vim.fn.fnameescape(abs(targets.broken.file)))
    bufnr = vim.api.nvim_get_current_buf()
  end
  local client = wait_client(bufnr)
  local latest, order = {}, {}
  for _, d in ipairs(out.diagnostics) do
    if latest[d.uri] == nil then
      table.insert(order, d.uri)
    end
    latest[d.uri] = d.count
  end
  local closed_uri
  for _, uri in ipairs(order) do
    if latest[uri] > 0 and not vim.api.nvim_buf_is_loaded(vim.uri_to_bufnr(uri)) then
      closed_uri = uri
      break
    end
  end
  local probe
  if not closed_uri then
    -- In a small garden the steps before may have opened every note with diagnostics (linking
    -- the unlinked mentions of its most named note edits them): a note is written beside the
    -- editor with a broken link, and its diagnostics awaited. It is deleted at the step's end.
    probe = abs("rhizome-e2e-closed.md")
    vim.fn.writefile({ "# Closed", "", "[[rhizome-e2e-nowhere]]" }, probe)
    local b = vim.uri_to_bufnr(vim.uri_from_fname(probe))
    if vim.wait(timeout, function() return #vim.diagnostic.get(b) > 0 end, 50) then
      closed_uri = vim.uri_from_fname(probe)
    else
      os.remove(probe)
    end
  end
  assert(closed_uri, "no note without a buffer has diagnostics")
  local closed_buf = vim.uri_to_bufnr(closed_uri)
  local dm = { closed_uri = closed_uri, before = #vim.diagnostic.get(closed_buf) }
  out.diagnostic_mode = dm
  local function set_mode(mode)
    client.config.settings = vim.tbl_deep_extend("force", client.config.settings or {}, { rhizome = { diagnosticMode = mode } })
    client_notify(client, "workspace/didChangeConfiguration", { settings = client.config.settings })
  end
  set_mode("openFilesOnly")
  dm.cleared = vim.wait(timeout, function()
    return #vim.diagnostic.get(closed_buf) == 0
  end, 50)
  dm.open_kept = #vim.diagnostic.get(bufnr)
  set_mode("workspace")
  dm.back = vim.wait(timeout, function()
    return #vim.diagnostic.get(closed_buf) > 0
  end, 50)
  if probe then
    os.remove(probe)
  end
end)

-- 8. Files changed on disk beside the editor (git, a sync client), which Neovim 0.7 does not watch
-- for a server (rhizome's own watcher does): a link to a note nowhere is broken; the note written
-- into a new folder, it resolves; a .gitignore that leaves that folder out, it is broken again
-- with no restart; the .gitignore put back as it was, it resolves again; the folder deleted, it
-- is broken; broken-link turned off in .rhizome.yaml, it is not flagged. Between, the ignore
-- setting leaves the folder out and lets it back. The garden and the buffer are left as found.
step("files on disk", function()
  local bufnr = buf_of(targets.broken.file)
  assert(bufnr ~= -1 and vim.api.nvim_buf_is_loaded(bufnr), "no buffer of " .. targets.broken.file)
  local name, folder = "rhizome-e2e-probe", "rhizome-e2e-probe-dir"
  local last = vim.api.nvim_buf_line_count(bufnr)
  vim.api.nvim_buf_set_lines(bufnr, last, last, false, { "", "[[" .. name .. "]]" })
  local line = last + 1
  local function broken()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      -- 0.7 keeps the LSP code in user_data only.
      local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
      if d.lnum == line and code == "broken-link" then
        return true
      end
    end
    return false
  end
  local function resolved()
    return not broken()
  end
  local fd = {}
  out.files_on_disk = fd
  fd.broken = vim.wait(timeout, broken, 50)
  local dir = abs(folder)
  vim.fn.mkdir(dir, "p")
  -- Published: the garden publishes only what says so, and links to the rest are flagged too.
  vim.fn.writefile({ "---", "publish: true", "---", "# Probe" }, dir .. "/" .. name .. ".md")
  fd.written = vim.wait(timeout, resolved, 50)
  -- appended(rel, lines, while_there, after): the garden's file rel with lines added, until
  -- while_there has waited; then put back as it was (removed if it was not there), and after waits.
  local function appended(rel, lines, while_there, after)
    local file = abs(rel)
    local before = vim.fn.filereadable(file) == 1 and vim.fn.readfile(file, "b") or nil
    vim.fn.writefile(vim.list_extend(vim.deepcopy(before or {}), lines), file)
    local a = vim.wait(timeout, while_there, 50)
    if before then
      vim.fn.writefile(before, file, "b")
    else
      os.remove(file)
    end
    return a, vim.wait(timeout, after, 50)
  end
  fd.ignored, fd.restored = appended(".gitignore", { folder .. "/" }, broken, resolved)
  -- The ignore setting changed twice in a row, as a user editing it: each change loads the vault
  -- again, the second stopping the first. The second leaves the folder out: the link is broken;
  -- then a glob matching nothing, it resolves.
  local client = wait_client(bufnr)
  local function set_ignore(globs)
    client.config.settings = client.config.settings or {}
    client.config.settings.rhizome = client.config.settings.rhizome or {}
    client.config.settings.rhizome.ignore = globs
    client_notify(client, "workspace/didChangeConfiguration", { settings = client.config.settings })
  end
  set_ignore({ "rhizome-e2e-elsewhere/" })
  set_ignore({ folder .. "/" })
  fd.setting_ignored = vim.wait(timeout, broken, 50)
  set_ignore({ "rhizome-e2e-elsewhere/" })
  fd.setting_restored = vim.wait(timeout, resolved, 50)
  vim.fn.delete(dir, "rf")
  fd.deleted = vim.wait(timeout, broken, 50)
  -- The vault's .rhizome.yaml turns broken-link off: the link is no longer flagged; put back as it
  -- was, it is again. Skipped where the file already has a diagnostics section.
  local config = abs(".rhizome.yaml")
  for _, l in ipairs(vim.fn.filereadable(config) == 1 and vim.fn.readfile(config) or {}) do
    if l:match("^diagnostics:") then
      fd.config_skipped = true
    end
  end
  if not fd.config_skipped then
    fd.config_off, fd.config_back = appended(".rhizome.yaml", { "diagnostics:", "  broken-link: off" }, resolved, broken)
  end
  vim.api.nvim_buf_set_lines(bufnr, last, last + 2, false, {})
end)

step("shutdown", function()
  for _, c in ipairs(require("rhizome").clients()) do
    vim.lsp.stop_client(c.id)
  end
  vim.wait(3000, function()
    return #require("rhizome").clients() == 0
  end, 50)
end)

finish(0)
