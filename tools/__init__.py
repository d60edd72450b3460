"""Developer tools run from the worktree root (not shipped in the package)."""
