;;; test.el --- E2E: Emacs eglot (a client that is not ours) against the rhizome server  -*- lexical-binding: t -*-
;;
;; emacs --batch -q -l test.el   (run.sh does this)
;; Environment: RHIZOME_BIN, RHIZOME_E2E_GARDEN, RHIZOME_E2E_TARGETS (../pick-targets.mjs
;; output), RHIZOME_E2E_OUT (results JSON, checked by check.mjs).
;; Uses the snippet documented in editors/README.md:
;;   (add-to-list 'eglot-server-programs '((markdown-mode gfm-mode) . ("rhizome" "serve")))

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

(defmacro rz-step (name &rest body)
  `(condition-case err
       (progn ,@body)
     (error (push (format "%s: %s" ,name (error-message-string err)) rz-errors))))

(let* ((json-object-type 'alist) (json-array-type 'list) (json-key-type 'symbol)
       (targets (json-read-file (getenv "RHIZOME_E2E_TARGETS")))
       (garden (file-name-as-directory (getenv "RHIZOME_E2E_GARDEN")))
       (bin (getenv "RHIZOME_BIN"))
       (broken (alist-get 'broken targets))
       (link (alist-get 'link targets)))
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
        ;; 4. Completion after typing [[ at the end of the note.
        (rz-step "completion"
          (goto-char (point-max))
          (insert "\n\nSee [[")
          (eglot--signal-textDocument/didChange)
          (let* ((res (jsonrpc-request (eglot-current-server) :textDocument/completion
                                       (append (eglot--TextDocumentPositionParams)
                                               '(:context (:triggerKind 2 :triggerCharacter "[")))))
                 (items (if (vectorp res) res (plist-get res :items))))
            (rz-put 'completion_labels (vconcat (mapcar (lambda (i) (plist-get i :label)) items)))))
        (ignore-errors (eglot-shutdown (eglot-current-server)))
        (rz-finish 0))
    (error (push (format "fatal: %s" (error-message-string err)) rz-errors)
           (rz-finish 1))))
