-- rhizome.nvim: starts the rhizome language server (`rhizome serve`) for markdown
-- buffers, one client per vault root.
--
-- Works on Neovim 0.7 (vim.lsp.start_client + vim.lsp.buf_attach_client, no vim.fs)
-- and on 0.8+ (vim.lsp.start). See :help rhizome.

local M = {}

local uv = vim.loop

M.defaults = {
  -- Command that starts the server on stdio.
  cmd = { "rhizome", "serve" },
  -- Files or folders that mark the root of a vault. The nearest folder, going up
  -- from the note, that holds any of them is the root. None found: the note's own
  -- folder (single-file mode).
  root_markers = { ".obsidian", ".rhizome.yaml", ".git" },
  -- A fixed root, or function(filename, bufnr) -> root|nil. Overrides root_markers.
  root_dir = nil,
  -- Buffers of these filetypes get the server.
  filetypes = { "markdown" },
  -- The server's settings (same keys as .rhizome.yaml): profiles, quartzResolution,
  -- ignore, explicitPublish, diagnostics, diagnosticMode. Sent as initializationOptions and
  -- as the answer to workspace/configuration for the section "rhizome".
  settings = {},
  -- Show the server's code lenses ("12 backlinks" above a note, "3 links" above a
  -- heading), refreshed on entering the buffer, leaving insert mode, writing and
  -- CursorHold. Run the one under the cursor with :lua vim.lsp.codelens.run().
  codelens = true,
  -- Passed through to the LSP client.
  name = "rhizome",
  cmd_env = nil,
  capabilities = nil,
  handlers = nil,
  on_attach = nil,
  on_init = nil,
  on_exit = nil,
  flags = nil,
}

M.config = vim.deepcopy(M.defaults)

-- root -> client id (used on 0.7, where vim.lsp.start does not exist to reuse clients).
local clients_by_root = {}

local is_windows = uv.os_uname().sysname:find("Windows") ~= nil
local sep = is_windows and "\\" or "/"

local function notify(msg, level)
  vim.schedule(function()
    vim.notify("rhizome: " .. msg, level or vim.log.levels.INFO)
  end)
end

local function exists(path)
  return uv.fs_stat(path) ~= nil
end

local function is_dir(path)
  local st = uv.fs_stat(path)
  return st ~= nil and st.type == "directory"
end

local function dirname(path)
  local d = path:match("^(.*)[/\\][^/\\]*$")
  if d == nil or d == "" then
    return sep
  end
  return d
end

local function normalize(path)
  path = uv.fs_realpath(path) or path
  if #path > 1 then
    path = path:gsub("[/\\]+$", "")
  end
  return path
end

--- The vault root for a file: the nearest folder, going up from the file's folder,
--- that contains one of `markers`; nil if none does.
function M.find_root(filename, markers)
  local dir = is_dir(filename) and filename or dirname(filename)
  dir = normalize(dir)
  while true do
    for _, marker in ipairs(markers) do
      local candidate = (dir:sub(-1) == sep and dir or dir .. sep) .. marker
      if exists(candidate) then
        return dir
      end
    end
    local parent = dirname(dir)
    if parent == dir or parent == "" then
      return nil
    end
    dir = parent
  end
end

--- The root the server gets for this buffer's file (root_dir, markers, else the file's folder).
function M.root_for(filename, bufnr)
  local cfg = M.config
  local root
  if type(cfg.root_dir) == "function" then
    root = cfg.root_dir(filename, bufnr)
  elseif type(cfg.root_dir) == "string" then
    root = cfg.root_dir
  end
  if root == nil then
    root = M.find_root(filename, cfg.root_markers or {})
  end
  if root == nil then
    root = dirname(normalize(filename))
  end
  return normalize(root)
end

-- vim.json / vim.fn.json_encode turn an empty table into [], the server wants {}.
local function as_object(t)
  if t == nil or next(t) == nil then
    return vim.empty_dict()
  end
  return t
end

local function request(client, method, params, handler, bufnr)
  if vim.fn.has("nvim-0.11") == 1 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

local function to_quickfix(client, locations, title)
  local items = vim.lsp.util.locations_to_items(locations, client.offset_encoding or "utf-16")
  vim.fn.setqflist({}, " ", { title = "rhizome: " .. title, items = items })
  vim.cmd("botright copen")
end

-- The command of the server's code lenses, arguments (uri, position, target). The lens holds
-- its count, not its links (a hub's would be thousands, decoded at every refresh): this asks
-- the server for them (rhizome.lensLinks) and puts them in the quickfix list.
local function show_references(command, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  local args = command.arguments or {}
  if client == nil then
    return
  end
  local params = { command = "rhizome.lensLinks", arguments = { args[1], args[3] } }
  request(client, "workspace/executeCommand", params, function(err, locations)
    if err then
      notify(("%s: %s"):format(command.title, err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return
    end
    if locations == nil or #locations == 0 then
      notify(command.title)
      return
    end
    to_quickfix(client, locations, command.title)
  end, ctx.bufnr)
end

-- Runs a server command whose one argument is the buffer's note (its URI), with the rhizome
-- client that serves the buffer, and hands its answer to on_result(client, result).
local function run_on_note(bufnr, command, what, on_result)
  for _, client in ipairs(M.clients()) do
    if vim.lsp.buf_is_attached(bufnr, client.id) then
      local params = { command = command, arguments = { vim.uri_from_bufnr(bufnr) } }
      request(client, "workspace/executeCommand", params, function(err, result)
        if err then
          notify(what .. ": " .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
        else
          on_result(client, result)
        end
      end, bufnr)
      return
    end
  end
  notify("no rhizome client serves this buffer", vim.log.levels.WARN)
end

local function note_buffer(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  return bufnr, vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ":t:r")
end

--- Puts in the quickfix list where other notes write the current note's title, an alias or its
--- file name without linking to it (the code action on each one links it).
function M.unlinked_mentions(bufnr)
  local buf, name = note_buffer(bufnr)
  run_on_note(buf, "rhizome.unlinkedMentions", "unlinked mentions", function(client, locations)
    if locations == nil or #locations == 0 then
      notify("no unlinked mentions of " .. name)
    else
      to_quickfix(client, locations, "unlinked mentions of " .. name)
    end
  end)
end

--- Links every unlinked mention of the current note: the server sends one edit
--- (workspace/applyEdit), which Neovim applies to the notes' buffers, unsaved.
function M.link_unlinked_mentions(bufnr)
  local buf, name = note_buffer(bufnr)
  run_on_note(buf, "rhizome.linkUnlinkedMentions", "linking unlinked mentions", function(_, res)
    if res == nil or res.linked == 0 then
      notify("no unlinked mentions of " .. name)
    elseif res.applied then
      notify(("linked %d unlinked mention%s of %s"):format(res.linked, res.linked == 1 and "" or "s", name))
    end
  end)
end

-- textDocument/codeLens: hands the lenses to Neovim's handler if the buffer is still there.
-- 0.7's draws them without checking, failing ("Invalid buffer id") when the buffer went while
-- the request was out, as a rename does.
local function on_codelens(err, result, ctx, config)
  if vim.api.nvim_buf_is_valid(ctx.bufnr) then
    vim.lsp.codelens.on_codelens(err, result, ctx, config)
  end
end

-- Asks for the buffer's lenses through on_codelens. Not vim.lsp.codelens.refresh(): 0.7's sends
-- the reply to its own handler, whatever the client's handlers say.
local refreshing = {}
local function refresh_codelens(bufnr)
  if not vim.api.nvim_buf_is_valid(bufnr) or refreshing[bufnr] then
    return
  end
  for _, client in ipairs(M.clients()) do
    if vim.lsp.buf_is_attached(bufnr, client.id) then
      local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) } }
      refreshing[bufnr] = request(client, "textDocument/codeLens", params, function(err, result, ctx, config)
        refreshing[bufnr] = nil
        on_codelens(err, result, ctx, config)
      end, bufnr) or nil
    end
  end
end

local function attach_codelens(bufnr)
  local group = vim.api.nvim_create_augroup("rhizome_codelens_" .. bufnr, { clear = true })
  vim.api.nvim_create_autocmd({ "BufEnter", "InsertLeave", "BufWritePost", "CursorHold" }, {
    group = group,
    buffer = bufnr,
    callback = function()
      refresh_codelens(bufnr)
    end,
    desc = "rhizome: refresh the code lenses",
  })
  refresh_codelens(bufnr)
end

-- A completion item of the server may carry a command to run once it is accepted: a block
-- reference to a paragraph without an id (rhizome.addBlockId) has the server add the id to
-- the paragraph, in the note linked to. Neovim's omnifunc does not run an item's command
-- (nvim-cmp and 0.11's vim.lsp.completion do, and the server ignores the second run), so the
-- plugin runs it on CompleteDone. completed is v:completed_item.
function M.complete_done(bufnr, completed)
  local ud = type(completed) == "table" and completed.user_data or nil
  local item = type(ud) == "table" and type(ud.nvim) == "table" and type(ud.nvim.lsp) == "table" and ud.nvim.lsp.completion_item
  local cmd = type(item) == "table" and item.command or nil
  if type(cmd) ~= "table" or cmd.command ~= "rhizome.addBlockId" then
    return
  end
  for _, client in ipairs(M.clients()) do
    if vim.lsp.buf_is_attached(bufnr, client.id) then
      local params = { command = cmd.command, arguments = cmd.arguments }
      request(client, "workspace/executeCommand", params, function(err)
        if err then
          notify(("%s: %s"):format(cmd.title or cmd.command, err.message or vim.inspect(err)), vim.log.levels.ERROR)
        end
      end, bufnr)
      return
    end
  end
end

local function client_config(root)
  local cfg = M.config
  local settings = as_object(vim.deepcopy(cfg.settings or {}))
  return {
    name = cfg.name,
    cmd = cfg.cmd,
    cmd_env = cfg.cmd_env,
    root_dir = root,
    workspace_folders = {
      { uri = vim.uri_from_fname(root), name = root:match("[^/\\]+$") or root },
    },
    init_options = settings,
    -- Neovim answers workspace/configuration by looking the section up in here, and
    -- sends it with workspace/didChangeConfiguration after initialize.
    settings = { rhizome = settings },
    capabilities = cfg.capabilities or vim.lsp.protocol.make_client_capabilities(),
    handlers = vim.tbl_extend("keep", cfg.handlers or {}, { ["textDocument/codeLens"] = on_codelens }),
    -- Client-side commands, run by vim.lsp.codelens.run().
    commands = { ["rhizome.showReferences"] = show_references },
    on_attach = function(client, bufnr)
      if cfg.codelens then
        attach_codelens(bufnr)
      end
      vim.api.nvim_create_autocmd("CompleteDone", {
        group = vim.api.nvim_create_augroup("rhizome_complete_" .. bufnr, { clear = true }),
        buffer = bufnr,
        callback = function()
          M.complete_done(bufnr, vim.v.completed_item)
        end,
        desc = "rhizome: run the command of an accepted completion item",
      })
      if cfg.on_attach then
        cfg.on_attach(client, bufnr)
      end
    end,
    on_init = cfg.on_init,
    on_exit = cfg.on_exit,
    flags = cfg.flags,
  }
end

local function executable_ok()
  local exe = M.config.cmd and M.config.cmd[1]
  if exe == nil or vim.fn.executable(exe) == 1 then
    return true
  end
  if not M._warned_missing then
    M._warned_missing = true
    notify(
      ("cannot run %q. Install the server with `go install github.com/rhizome-lsp/rhizome/cmd/rhizome@latest` "
        .. "or set cmd in require('rhizome').setup{}"):format(exe),
      vim.log.levels.ERROR
    )
  end
  return false
end

--- Starts (or reuses) the client for the buffer's vault and attaches the buffer.
--- Returns the client id, or nil.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not vim.api.nvim_buf_is_valid(bufnr) or vim.bo[bufnr].buftype ~= "" then
    return nil
  end
  local filename = vim.api.nvim_buf_get_name(bufnr)
  if filename == "" or filename:match("^%a[%w+.-]*://") then
    return nil -- unnamed buffer or not a file (fugitive://, oil://, …)
  end
  if not executable_ok() then
    return nil
  end
  local root = M.root_for(filename, bufnr)

  if vim.lsp.start ~= nil then
    -- 0.8+: vim.lsp.start reuses a client with the same name and root_dir. 0.8.0 ignores
    -- opts.bufnr and attaches the current buffer: make the buffer current for the call.
    local id
    vim.api.nvim_buf_call(bufnr, function()
      id = vim.lsp.start(client_config(root), { bufnr = bufnr })
    end)
    return id
  end

  -- 0.7: one client per root, kept by hand.
  local id = clients_by_root[root]
  local client = id and vim.lsp.get_client_by_id(id)
  if client == nil or client.is_stopped() then
    id = vim.lsp.start_client(client_config(root))
    if id == nil then
      notify("the server did not start (" .. table.concat(M.config.cmd, " ") .. ")", vim.log.levels.ERROR)
      return nil
    end
    clients_by_root[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- All running rhizome clients.
function M.clients()
  local out = {}
  local all = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
  for _, client in pairs(all) do
    if client.name == M.config.name then
      table.insert(out, client)
    end
  end
  return out
end

--- Stops every rhizome client and starts them again for the open markdown buffers.
function M.restart()
  for _, client in ipairs(M.clients()) do
    vim.lsp.stop_client(client.id)
  end
  clients_by_root = {}
  local function wait_and_attach(tries)
    if #M.clients() > 0 and tries > 0 then
      vim.defer_fn(function()
        wait_and_attach(tries - 1)
      end, 100)
      return
    end
    M.attach_all()
  end
  wait_and_attach(50)
end

local function wants(bufnr)
  local ft = vim.bo[bufnr].filetype
  for _, f in ipairs(M.config.filetypes) do
    if f == ft then
      return true
    end
  end
  return false
end

--- Attaches every loaded buffer whose filetype is one of config.filetypes.
function M.attach_all()
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and wants(bufnr) then
      M.attach(bufnr)
    end
  end
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), opts or {})
  -- Lists are replaced, not merged index by index.
  for _, key in ipairs({ "cmd", "root_markers", "filetypes" }) do
    if opts and opts[key] ~= nil then
      M.config[key] = opts[key]
    end
  end
  M._warned_missing = false

  local group = vim.api.nvim_create_augroup("rhizome", { clear = true })
  -- Neovim 0.9+ colours the server's semantic tokens by itself: a wikilink's note as
  -- @lsp.type.class, its heading as @lsp.type.property, a block as @lsp.type.enumMember,
  -- a tag as @lsp.type.decorator. A link to a note, heading or block that does not exist
  -- also has the modifier "unresolved", faded like a comment as Obsidian fades it. As a
  -- default, so that a colour scheme's or the user's own highlight wins; set again after
  -- :colorscheme, which clears highlights.
  if vim.fn.has("nvim-0.9") == 1 then
    local function highlights()
      vim.api.nvim_set_hl(0, "@lsp.mod.unresolved.markdown", { link = "Comment", default = true })
    end
    highlights()
    vim.api.nvim_create_autocmd("ColorScheme", { group = group, callback = highlights, desc = "rhizome: fade unresolved links" })
  end
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = M.config.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
    desc = "rhizome: start the language server",
  })

  vim.api.nvim_create_user_command("RhizomeRestart", function()
    M.restart()
  end, { desc = "Restart the rhizome language server" })
  vim.api.nvim_create_user_command("RhizomeUnlinkedMentions", function()
    M.unlinked_mentions(0)
  end, { desc = "Quickfix list of the notes that name this one without linking to it" })
  vim.api.nvim_create_user_command("RhizomeLinkUnlinkedMentions", function()
    M.link_unlinked_mentions(0)
  end, { desc = "Link every unlinked mention of this note" })
  vim.api.nvim_create_user_command("RhizomeInfo", function()
    local lines = {}
    for _, client in ipairs(M.clients()) do
      table.insert(lines, ("client %d: root %s"):format(client.id, client.config.root_dir or "?"))
    end
    if #lines == 0 then
      table.insert(lines, "no rhizome client is running")
    end
    table.insert(lines, "log: " .. vim.lsp.get_log_path())
    print(table.concat(lines, "\n"))
  end, { desc = "Show the running rhizome clients" })

  -- Buffers that were opened before setup() ran.
  M.attach_all()
end

return M
