// Placeholder entry point until the fake API server lands (issue: cluster access).
return 0;
