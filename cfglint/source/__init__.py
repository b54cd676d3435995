"""Format readers that turn text into span-exact Documents."""
