"""H5P activities: validated packages, a sandboxed player on its own origin, and
server-side scoring of the xAPI statements it sends."""
