// The playground's entry; the demos land in the next commits (issue 14).
export {}
