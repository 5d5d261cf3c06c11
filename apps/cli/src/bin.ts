#!/usr/bin/env -S npx tsx
import './main.ts'
