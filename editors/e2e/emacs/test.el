;;; test.el --- E2E: Emacs eglot (a client that is not ours) against the rhizome server  -*- lexical-binding: t -*-
;;
;; emacs --batch -q -l test.el   (run.sh does this)
;; Environment: RHIZOME_BIN, RHIZOME_E2E_GARDEN, RHIZOME_E2E_TARGETS (../pick-targets.mjs
;; output), RHIZOME_E2E_OUT (results JSON, checked by check.mjs).
;; Steps: diagnostics, hover, definition, completion, then rename with M-x eglot-rename
;; (answering its prompts): on a link's target name (a note rename, which eglot 1.9 cannot
;; do: the server must say so) and inside a link's #anchor (a heading rename); then
;; M-x eglot-code-actions on a wikilink (converted to a markdown link) and on a note's
;; title written in prose (linked to the note); and a block reference completed by eglot,
;; whose new id its quick fix adds to the paragraph. Not M-x eglot-code-action-rewrite: in
;; eglot 1.9 it asks the server and then does nothing with the answer.
;; Uses the snippet documented in editors/README.md:
;;   (add-to-list 'eglot-server-programs '((markdown-mode gfm-mode) . ("rhizome" "serve")))

(require 'cl-lib)
(require 'seq)
(require 'json)
(require 'eglot)
(require 'markdown-mode)
(require 'flymake)

(defvar rz-timeout (string-to-number (or (getenv "RHIZOME_E2E_TIMEOUT_S") "20")))
(defvar rz-out (list))
(defvar rz-errors (list))

(defun rz-put (key value) (push (cons key value) rz-out))

(defun rz-finish (code)
  (rz-put 'errors (vconcat (reverse rz-errors)))
  (rz-put 'emacs emacs-version)
  (with-temp-file (getenv "RHIZOME_E2E_OUT")
    (insert (json-encode rz-out)))
  (kill-emacs code))

(defun rz-wait (pred what)
  (let ((deadline (+ (float-time) rz-timeout)) ok)
    (while (and (not (setq ok (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.1))
    (unless ok (error "timed out after %ss waiting for %s" rz-timeout what))
    ok))

(defun rz-wait-notified (pred what)
  "`rz-wait', with file notifications delivered as an interactive Emacs delivers them:
they are special events, which batch mode reads only when asked for an event."
  (let ((deadline (+ (float-time) rz-timeout)) ok)
    (while (and (not (setq ok (funcall pred))) (< (float-time) deadline))
      (read-event nil nil 0.05)
      (accept-process-output nil 0.05))
    (unless ok (error "timed out after %ss waiting for %s" rz-timeout what))
    ok))

(defun rz-goto (line col-byte)
  "Point at 0-based LINE and UTF-8 byte column COL-BYTE of the current buffer."
  (goto-char (point-min))
  (forward-line line)
  (goto-char (byte-to-position (+ (position-bytes (point)) col-byte))))

(defun rz-line-of (buffer line)
  "Text of 0-based LINE of BUFFER, or nil without a buffer."
  (when (buffer-live-p buffer)
    (with-current-buffer buffer
      (save-excursion
        (goto-char (point-min))
        (forward-line line)
        (buffer-substring-no-properties (line-beginning-position) (line-end-position))))))

(defun rz-disk-line (file line)
  "Text of 0-based LINE of FILE as it is on disk."
  (with-temp-buffer
    (insert-file-contents file)
    (rz-line-of (current-buffer) line)))

(defun rz-notes (garden)
  "The garden's markdown files, relative to it, sorted: to see that no file moved.
Not Emacs's lock files (.#name.md) of modified buffers."
  (sort (mapcar (lambda (f) (file-relative-name f garden))
                (seq-remove (lambda (f) (string-match-p "/\\.git/\\|/\\.#[^/]*\\'" f))
                            (directory-files-recursively garden "\\.md\\'")))
        #'string<))

(defun rz-rename-interactively (new-name)
  "M-x eglot-rename at point, answering its prompts as a user would: NEW-NAME to
`Rename ... to:', yes to `Server wants to edit ... Proceed?'. Returns an alist of
the prompts Emacs showed and the error the command signalled, if any: what the
command loop would show in the echo area and *Messages*."
  (let (prompts err)
    (cl-letf (((symbol-function 'read-from-minibuffer)
               (lambda (prompt &rest _) (push prompt prompts) new-name))
              ((symbol-function 'y-or-n-p)
               (lambda (prompt) (push prompt prompts) t)))
      (condition-case e
          (let ((current-prefix-arg nil))
            (call-interactively #'eglot-rename))
        (error (setq err e))))
    `((prompts . ,(vconcat (reverse prompts)))
      (error . ,(and err (error-message-string err)))
      (error_symbol . ,(and err (symbol-name (car err))))
      (error_code . ,(and err (alist-get 'jsonrpc-error-code (seq-filter #'consp (cdr err)))))
      (error_message . ,(and err (alist-get 'jsonrpc-error-message (seq-filter #'consp (cdr err))))))))

(defun rz-rewrite-interactively (pick)
  "M-x eglot-code-actions at point, choosing the first action whose title starts with
PICK when eglot asks which, as a user typing in the minibuffer would (a keyboard event
last, not a mouse click, which would get a menu). Returns an alist of the titles offered
and the error signalled, if any."
  (let (offered err)
    (cl-letf (((symbol-function 'completing-read)
               (lambda (_prompt items &rest _)
                 (setq offered (mapcar #'car items))
                 (or (seq-find (lambda (title) (string-prefix-p pick title)) offered) "")))
              ((symbol-function 'y-or-n-p) (lambda (&rest _) t)))
      (condition-case e
          (let ((last-nonmenu-event ?\r) (current-prefix-arg nil))
            (call-interactively #'eglot-code-actions))
        (error (setq err e))))
    `((offered . ,(vconcat offered))
      (error . ,(and err (error-message-string err))))))

(defun rz-definition-at-point ()
  "The file and 0-based line that definition at point leads to, after telling the
server of the buffer's edits."
  (eglot--signal-textDocument/didChange)
  (let* ((def (jsonrpc-request (eglot-current-server) :textDocument/definition
                               (eglot--TextDocumentPositionParams)))
         (loc (if (vectorp def) (and (> (length def) 0) (aref def 0)) def))
         (uri (or (plist-get loc :uri) (plist-get loc :targetUri))))
    (and uri (file-truename (eglot--uri-to-path uri)))))

(defun rz-definition-lines-at-point ()
  "The file, and the 0-based first and last lines of the range, that definition at point
leads to."
  (eglot--signal-textDocument/didChange)
  (let* ((def (jsonrpc-request (eglot-current-server) :textDocument/definition
                               (eglot--TextDocumentPositionParams)))
         (loc (if (vectorp def) (and (> (length def) 0) (aref def 0)) def))
         (uri (or (plist-get loc :uri) (plist-get loc :targetUri)))
         (range (or (plist-get loc :targetRange) (plist-get loc :range))))
    (and uri (list (file-truename (eglot--uri-to-path uri))
                   (plist-get (plist-get range :start) :line)
                   (plist-get (plist-get range :end) :line)))))

(defun rz-complete-item (want)
  "Complete at point as completion-in-region does, with the first item of eglot's
completion function whose label starts with WANT: the item put in the buffer in
place of what it replaces, and eglot's exit function run. Nil when no item fits."
  (eglot--signal-textDocument/didChange)
  (let* ((capf (eglot-completion-at-point))
         (beg (nth 0 capf)) (end (nth 1 capf)) (table (nth 2 capf))
         (exit (plist-get (nthcdr 3 capf) :exit-function))
         (proxy (seq-find (lambda (c)
                            (string-prefix-p want (plist-get (get-text-property 0 'eglot--lsp-item c) :label)))
                          (all-completions "" table))))
    (when proxy
      (delete-region beg end)
      (goto-char beg)
      (insert proxy)
      (funcall exit proxy 'finished)
      t)))

(defun rz-complete-block-link (typed want)
  "Type TYPED on a new line at the end of the buffer and complete it with the item whose
label starts with WANT, as eglot completes (it does not run the item's command, so the
link names an id its block lacks yet); wait for the broken-block diagnostic on the link
and leave point in it, for its quick fix. Returns the link's 0-based line."
  (goto-char (point-max))
  (insert "\n\n" typed)
  (unless (rz-complete-item want) (error "no completion item for %S" want))
  (rz-wait (lambda () (seq-find (lambda (d) (string-match-p "no block" (flymake-diagnostic-text d)))
                                (flymake-diagnostics (line-beginning-position) (line-end-position))))
           "the broken-block diagnostic on the new link")
  (goto-char (line-beginning-position))
  (search-forward "[[")
  (1- (line-number-at-pos)))

(defmacro rz-step (name &rest body)
  `(condition-case err
       (progn ,@body)
     (error (push (format "%s: %s" ,name (error-message-string err)) rz-errors))))

(let* ((json-object-type 'alist) (json-array-type 'list) (json-key-type 'symbol)
       (targets (json-read-file (getenv "RHIZOME_E2E_TARGETS")))
       (garden (file-name-as-directory (getenv "RHIZOME_E2E_GARDEN")))
       (bin (getenv "RHIZOME_BIN"))
       (broken (alist-get 'broken targets))
       (link (alist-get 'link targets))
       (heading-link (alist-get 'headingLink targets)))
  (setq eglot-server-programs
        (cons `((markdown-mode gfm-mode) . (,bin "serve")) eglot-server-programs))
  (setq eglot-sync-connect t
        eglot-connect-timeout rz-timeout
        eglot-autoshutdown nil)
  (condition-case err
      (progn
        ;; 1. Diagnostics (through flymake) for the note with the broken link.
        (rz-step "diagnostics"
          (find-file (expand-file-name (alist-get 'file broken) garden))
          (markdown-mode)
          (apply #'eglot--connect (eglot--guess-contact))
          (let ((server (eglot-current-server)))
            (unless server (error "eglot did not connect"))
            (rz-put 'project_root (expand-file-name (project-root (eglot--project server))))
            (rz-put 'server_info (jsonrpc-name server)))
          (rz-wait (lambda () (flymake-diagnostics)) "flymake diagnostics")
          (rz-put 'diagnostics
                  (vconcat (mapcar (lambda (d)
                                     (list (cons 'line (1- (line-number-at-pos (flymake-diagnostic-beg d))))
                                           (cons 'text (flymake-diagnostic-text d))
                                           (cons 'type (format "%s" (flymake-diagnostic-type d)))))
                                   (flymake-diagnostics)))))
        ;; 2. Hover and 3. definition on the link.
        (rz-step "hover"
          (find-file (expand-file-name (alist-get 'file link) garden))
          (markdown-mode)
          (eglot-ensure)
          (rz-wait (lambda () (eglot-current-server)) "eglot to manage the link note")
          (goto-char (point-min))
          (forward-line (alist-get 'line link))
          (forward-char (alist-get 'colUtf16 link))
          (let ((hover (jsonrpc-request (eglot-current-server) :textDocument/hover
                                        (eglot--TextDocumentPositionParams))))
            (rz-put 'hover hover)))
        (rz-step "definition"
          (let* ((def (jsonrpc-request (eglot-current-server) :textDocument/definition
                                       (eglot--TextDocumentPositionParams)))
                 (loc (if (vectorp def) (and (> (length def) 0) (aref def 0)) def))
                 (uri (or (plist-get loc :uri) (plist-get loc :targetUri))))
            (rz-put 'definition_file (and uri (file-truename (eglot--uri-to-path uri))))))
        ;; 4. Completion after typing [[ at the end of the note. In a vault of more notes
        ;; than the list holds (it is incomplete) and without the title in it, three letters
        ;; of the title typed and the list asked for again, as typing on does, and one more
        ;; letter at a time while the list is still incomplete without it.
        (rz-step "completion"
          (goto-char (point-max))
          (insert "\n\nSee [[")
          (eglot--signal-textDocument/didChange)
          (let* ((title (alist-get 'title (alist-get 'completion targets)))
                 (ask (lambda (context)
                        (let ((res (jsonrpc-request (eglot-current-server) :textDocument/completion
                                                    (append (eglot--TextDocumentPositionParams) context))))
                          (cons (and (not (vectorp res)) (eq (plist-get res :isIncomplete) t))
                                (mapcar (lambda (i) (plist-get i :label))
                                        (if (vectorp res) res (plist-get res :items)))))))
                 (got (funcall ask '(:context (:triggerKind 2 :triggerCharacter "[")))))
            (let ((k 0))
              (while (and (car got) (not (member-ignore-case title (cdr got))) (< k (length title)))
                (let ((n (if (= k 0) (min 3 (length title)) (1+ k))))
                  (insert (substring title k n))
                  (setq k n)
                  (eglot--signal-textDocument/didChange)
                  (rz-put 'completion_typed (substring title 0 k))
                  (setq got (funcall ask '(:context (:triggerKind 3)))))))
            (rz-put 'completion_labels (vconcat (cdr got)))))
        ;; 5. Rename with point on a link's target name: that renames the note's file, which
        ;; eglot 1.9 cannot do (it announces no resource operations): the server says so,
        ;; and nothing moves or changes.
        (rz-step "note rename"
          (find-file (expand-file-name (alist-get 'file link) garden))
          (rz-goto (alist-get 'line link) (alist-get 'colByte link))
          (let* ((before (rz-notes garden))
                 (line-before (rz-line-of (current-buffer) (alist-get 'line link)))
                 (res (rz-rename-interactively "Renamed By Emacs")))
            (rz-put 'note_rename
                    `(,@res
                      (notes_before . ,(vconcat before))
                      (notes_after . ,(vconcat (rz-notes garden)))
                      (target_exists . ,(if (file-exists-p (expand-file-name (alist-get 'targetFile link) garden)) t :json-false))
                      (line_before . ,line-before)
                      (line_after . ,(rz-line-of (current-buffer) (alist-get 'line link)))
                      (messages . ,(with-current-buffer "*Messages*" (buffer-string)))))))
        ;; 6. Rename with point inside a link's #anchor: that renames the heading in the
        ;; target note, and every link's anchor to it follows.
        (rz-step "heading rename"
          (unless heading-link (error "pick-targets found no [[Note#Heading]] link in the garden"))
          (find-file (expand-file-name (alist-get 'file heading-link) garden))
          (markdown-mode)
          (eglot-ensure)
          (rz-wait (lambda () (eglot-current-server)) "eglot to manage the heading link's note")
          (rz-goto (alist-get 'line heading-link) (alist-get 'colByte heading-link))
          (let* ((new-name "New Heading Text")
                 (places (cons `((file . ,(alist-get 'targetFile heading-link))
                                 (line . ,(alist-get 'headingLine heading-link))
                                 (role . "heading"))
                               (mapcar (lambda (l) `((file . ,(alist-get 'file l))
                                                     (line . ,(alist-get 'line l))
                                                     (text . ,(alist-get 'text l))
                                                     (style . ,(alist-get 'style l))
                                                     (role . "link")))
                                       (alist-get 'links heading-link))))
                 (abs (lambda (p) (expand-file-name (alist-get 'file p) garden)))
                 (before (mapcar (lambda (p) (rz-disk-line (funcall abs p) (alist-get 'line p))) places))
                 (visited-before (mapcar (lambda (p) (and (get-file-buffer (funcall abs p)) t)) places))
                 (res (rz-rename-interactively new-name))
                 (after (cl-mapcar
                         (lambda (p line-before visited)
                           (let ((buf (get-file-buffer (funcall abs p))))
                             `(,@p
                               (before . ,line-before)
                               (visited_before . ,(if visited t :json-false))
                               (buffer . ,(rz-line-of buf (alist-get 'line p)))
                               (modified . ,(if (and buf (buffer-modified-p buf)) t :json-false))
                               (disk . ,(rz-disk-line (funcall abs p) (alist-get 'line p))))))
                         places before visited-before)))
            ;; eglot leaves the edited buffers unsaved; a user saves them (C-x s).
            (dolist (p places)
              (let ((buf (get-file-buffer (funcall abs p))))
                (when (and buf (buffer-modified-p buf))
                  (with-current-buffer buf (save-buffer)))))
            (setq after (mapcar (lambda (p) `(,@p (disk_saved . ,(rz-disk-line (funcall abs p) (alist-get 'line p))))) after))
            ;; The server follows: its outline of the target note has the new heading, and
            ;; definition on the renamed anchor lands on it (the heading keeps its line, so
            ;; the outline is what tells a stale answer from a right one).
            (let (def-file def-line outline)
              (ignore-errors
                (rz-wait (lambda ()
                           (let ((syms (ignore-errors
                                         (jsonrpc-request (eglot-current-server) :textDocument/documentSymbol
                                                          `(:textDocument (:uri ,(eglot--path-to-uri
                                                                                  (expand-file-name (alist-get 'targetFile heading-link) garden))))))))
                             (setq outline nil)
                             (cl-labels ((walk (ss) (mapc (lambda (sym) (push (plist-get sym :name) outline)
                                                            (walk (plist-get sym :children)))
                                                          ss)))
                               (walk syms))
                             (setq outline (reverse outline)))
                           (rz-goto (alist-get 'line heading-link) (alist-get 'colByte heading-link))
                           (let* ((def (ignore-errors
                                         (jsonrpc-request (eglot-current-server) :textDocument/definition
                                                          (eglot--TextDocumentPositionParams))))
                                  (loc (if (vectorp def) (and (> (length def) 0) (aref def 0)) def))
                                  (uri (or (plist-get loc :uri) (plist-get loc :targetUri)))
                                  (range (or (plist-get loc :targetSelectionRange) (plist-get loc :range))))
                             (setq def-file (and uri (file-truename (eglot--uri-to-path uri)))
                                   def-line (and range (plist-get (plist-get range :start) :line)))
                             (and def-file (equal def-line (alist-get 'headingLine heading-link))
                                  (member new-name outline))))
                         "definition on the renamed anchor to reach the renamed heading"))
              (rz-put 'heading_rename
                      `(,@res
                        (new_name . ,new-name)
                        (places . ,(vconcat after))
                        (definition_file . ,def-file)
                        (definition_line . ,def-line)
                        (outline . ,(vconcat outline))
                        (messages . ,(with-current-buffer "*Messages*" (buffer-string))))))))
        ;; 7. A code action on the wikilink: M-x eglot-code-actions converts it to a
        ;; markdown link, which the server then follows to the same note.
        (rz-step "convert link"
          (find-file (expand-file-name (alist-get 'file link) garden))
          (markdown-mode)
          (eglot-ensure)
          (rz-wait (lambda () (eglot-current-server)) "eglot to manage the link note")
          (rz-goto (alist-get 'line link) (alist-get 'colByte link))
          (let* ((line-before (rz-line-of (current-buffer) (alist-get 'line link)))
                 (start (save-excursion (search-backward "[[" (line-beginning-position) t)))
                 (res (rz-rewrite-interactively "Convert to markdown link"))
                 (line-after (rz-line-of (current-buffer) (alist-get 'line link))))
            (when start (goto-char (+ start 2)))
            (rz-put 'convert_link
                    `(,@res
                      (line_before . ,line-before)
                      (line_after . ,line-after)
                      (definition_file . ,(and start (rz-definition-at-point)))))))
        ;; 8. A code action on a note's title written in prose: linked to the note.
        (rz-step "link mention"
          (let* ((title (alist-get 'title (alist-get 'completion targets)))
                 (written (downcase title)))
            (goto-char (point-max))
            (insert "\n\nA line that mentions " written " in passing.\n")
            (eglot--signal-textDocument/didChange)
            (search-backward written)
            (forward-char (/ (length written) 2))
            (let* ((line (1- (line-number-at-pos)))
                   (res (rz-rewrite-interactively "Link to "))
                   (line-after (rz-line-of (current-buffer) line)))
              (goto-char (point-min))
              (forward-line line)
              (let ((start (search-forward "[" (line-end-position) t)))
                (when start (forward-char 2)))
              (rz-put 'link_mention
                      `(,@res
                        (written . ,written)
                        (line_after . ,line-after)
                        (definition_file . ,(rz-definition-at-point)))))))
        ;; 9. A block reference completed as eglot 1.9 completes: "[[Note#^" at the end of the
        ;; link note, where Note is the heading link's note; eglot's completion function is
        ;; asked, the item of Note's first one-line paragraph without an id is put in the
        ;; buffer and eglot's exit function run, as completion-in-region does. eglot does not
        ;; run the item's command, so the paragraph lacks the link's new id: the broken-block
        ;; diagnostic's quick fix (M-x eglot-code-actions) adds it, in the other note.
        (rz-step "block id fix"
          (let* ((note (alist-get 'target heading-link))
                 (target-file (expand-file-name (alist-get 'targetFile heading-link) garden))
                 (visiting (find-buffer-visiting target-file))
                 (lines (split-string (if visiting
                                          (with-current-buffer visiting (buffer-string))
                                        (with-temp-buffer (insert-file-contents target-file) (buffer-string)))
                                      "\n"))
                 (para (cl-loop for i from 1 below (length lines)
                                when (and (string-blank-p (nth (1- i) lines))
                                          (string-blank-p (or (nth (1+ i) lines) ""))
                                          (string-match-p "\\`[[:alpha:]]" (nth i lines))
                                          (not (string-match-p "\\^[[:alnum:]-]+[ \t]*\\'" (nth i lines))))
                                return i))
                 (want (and para (substring (nth para lines) 0 (min 20 (length (nth para lines)))))))
            (unless para (error "no one-line paragraph without an id in %s" target-file))
            (let ((link-line (rz-complete-block-link (concat "[[" note "#^") want)))
              (let* ((res (rz-rewrite-interactively "Add ^"))
                     (after (lambda () (rz-line-of (find-buffer-visiting target-file) para))))
                (ignore-errors
                  (rz-wait (lambda () (let ((l (funcall after))) (and l (string-match-p "\\^[a-z0-9]+\\'" l))))
                           "the id at the end of the paragraph"))
                (rz-put 'block_fix
                        `(,@res
                          (file . ,(alist-get 'targetFile heading-link))
                          (line . ,para)
                          (before . ,(nth para lines))
                          (after . ,(funcall after))
                          (link_line . ,(rz-line-of (current-buffer) link-line))))))))
        ;; 9b. "[[^^" and the first words of that paragraph, which has an id now, at the end
        ;; of the link note: the server's search of every note's blocks offers the paragraph by
        ;; its text; put in as eglot puts an item, the link names the paragraph's id.
        (rz-step "any block"
          (let* ((bf (alist-get 'block_fix rz-out))
                 (before (or (alist-get 'before bf) (error "no paragraph from step 9")))
                 (after (or (alist-get 'after bf) ""))
                 (id (and (string-match "\\^\\([[:alnum:]-]+\\)\\'" after) (match-string 1 after)))
                 (words (seq-take (seq-take-while (lambda (w) (not (string-match-p "[][|#^]" w)))
                                                  (split-string before))
                                  4))
                 (typed (concat "[[^^" (string-join words " ")))
                 (want (substring before 0 (min 20 (length before)))))
            (unless (and id (>= (length words) 2)) (error "no id, or not two plain words, in %S" after))
            (find-file (expand-file-name (alist-get 'file link) garden))
            (goto-char (point-max))
            (insert "\n\n" typed)
            (let ((offered (rz-complete-item want)))
              (rz-put 'any_block `((typed . ,typed) (id . ,id) (offered . ,offered)
                                   (line . ,(buffer-substring-no-properties (line-beginning-position) (line-end-position))))))))
        ;; 9c. A callout named by a block reference as eglot completes it: "[[Note#^" at the end
        ;; of the link note, the callout's item (it is one block, by its first line) put in, and
        ;; the broken-block quick fix run: the id goes on a line of its own after the callout, a
        ;; blank line between, as Obsidian writes it.
        (rz-step "callout block"
          (let* ((c (or (alist-get 'callout targets) (error "the garden has no callout (pick-targets callout is null)")))
                 (target-file (expand-file-name (alist-get 'targetFile c) garden))
                 (last (alist-get 'lastLine c)))
            (find-file (expand-file-name (alist-get 'file link) garden))
            (let ((link-line (rz-complete-block-link (concat "[[" (alist-get 'target c) "#^") (alist-get 'title c))))
              (let* ((res (rz-rewrite-interactively "Add ^"))
                     (after (lambda () (cl-loop for l from last to (+ last 3)
                                                collect (or (rz-line-of (find-buffer-visiting target-file) l) "")))))
                (ignore-errors
                  (rz-wait (lambda () (string-match-p "\\`\\^[a-z0-9]+\\'" (nth 2 (funcall after))))
                           "the id on a line of its own after the callout"))
                (rz-put 'callout_fix
                        `(,@res
                          (after . ,(vconcat (funcall after)))
                          (link_line . ,(rz-line-of (current-buffer) link-line)))))
              ;; M-. on the link, as a user follows it, once the server has the id: the
              ;; definition is the callout whole, and point lands on its first line.
              (let ((link-buf (current-buffer))
                    (at-link (lambda ()
                               (goto-char (point-min))
                               (forward-line link-line)
                               (search-forward "#^" (line-end-position))))
                    lines)
                (ignore-errors
                  (rz-wait (lambda ()
                             (with-current-buffer (find-buffer-visiting target-file)
                               (eglot--signal-textDocument/didChange))
                             (funcall at-link)
                             (setq lines (cdr (rz-definition-lines-at-point)))
                             (equal (cadr lines) (+ last 2)))
                           "the definition of the callout's link"))
                (funcall at-link)
                (let ((xref-prompt-for-identifier nil))
                  (call-interactively #'xref-find-definitions))
                (rz-put 'callout_definition
                        `((lines . ,(vconcat lines))
                          (file . ,(and buffer-file-name (file-truename buffer-file-name)))
                          (line . ,(1- (line-number-at-pos)))))
                (switch-to-buffer link-buf)))))
        ;; 10. Files changed on disk beside the editor (git, a sync client), which eglot
        ;; watches for the server (it registers its watchers): a link to a note nowhere,
        ;; added at the end of the link note, is broken; the note written into a folder made
        ;; a moment before, it resolves; a .gitignore that leaves the folder out, it is broken again with no
        ;; restart; the .gitignore put back as it was, it resolves again; so does the ignore
        ;; setting. Published notes: a garden that publishes only what says so flags links to the
        ;; rest too.
        (rz-step "files on disk"
          (let* ((probe "rhizome-e2e-probe")
                 (folder (expand-file-name (concat probe "-dir") garden))
                 (gitignore (expand-file-name ".gitignore" garden))
                 (before (and (file-exists-p gitignore)
                              (with-temp-buffer (insert-file-contents-literally gitignore) (buffer-string))))
                 (start (progn (goto-char (point-max)) (point)))
                 (line (progn (insert "\n\n[[" probe "]]") (1- (line-number-at-pos))))
                 (broken (lambda ()
                           (save-excursion
                             (goto-char (point-min))
                             (forward-line line)
                             (seq-find (lambda (d) (string-match-p "no note or file" (flymake-diagnostic-text d)))
                                       (flymake-diagnostics (line-beginning-position) (line-end-position))))))
                 (resolved (lambda () (not (funcall broken))))
                 (seen (lambda (pred) (condition-case nil (progn (rz-wait-notified pred "the link's diagnostic") t) (error nil))))
                 (result (list)))
            (eglot--signal-textDocument/didChange)
            (push (cons 'broken (funcall seen broken)) result)
            ;; The folder first, reported on its own (eglot watches no folder made after it
            ;; registered its watchers: the server must), then the note in it.
            (make-directory folder t)
            (let ((until (+ (float-time) 1)))
              (while (< (float-time) until)
                (read-event nil nil 0.05)
                (accept-process-output nil 0.05)))
            (with-temp-file (expand-file-name (concat probe ".md") folder)
              (insert "---\npublish: true\n---\n# Probe\n"))
            (push (cons 'written (funcall seen resolved)) result)
            (with-temp-file gitignore
              (when before (insert before))
              (insert "\n" probe "-dir/\n"))
            (push (cons 'ignored (funcall seen broken)) result)
            (if before
                (with-temp-file gitignore (insert before))
              (delete-file gitignore))
            (push (cons 'restored (funcall seen resolved)) result)
            ;; The ignore setting, in eglot-workspace-configuration as the README writes it,
            ;; leaving the folder out (eglot tells the server, which asks for the settings and
            ;; loads the vault again); then a glob that matches nothing.
            (let ((settings-before (default-value 'eglot-workspace-configuration)))
              (setq-default eglot-workspace-configuration `(:rhizome (:ignore [,(concat probe "-dir/")])))
              (eglot-signal-didChangeConfiguration (eglot-current-server))
              (push (cons 'setting_ignored (funcall seen broken)) result)
              (setq-default eglot-workspace-configuration '(:rhizome (:ignore ["rhizome-e2e-elsewhere/"])))
              (eglot-signal-didChangeConfiguration (eglot-current-server))
              (push (cons 'setting_restored (funcall seen resolved)) result)
              (setq-default eglot-workspace-configuration settings-before))
            (delete-directory folder t)
            (delete-region start (point-max))
            (eglot--signal-textDocument/didChange)
            (rz-put 'files_on_disk result)))
        (ignore-errors (eglot-shutdown (eglot-current-server)))
        (rz-finish 0))
    (error (push (format "fatal: %s" (error-message-string err)) rz-errors)
           (rz-finish 1))))
