import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/**", ".state/**", "out/**", "**/*.js", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Lambda factories require() the AWS SDK inside the function (see runtime/README.md, "The deployment package").
      "@typescript-eslint/no-require-imports": "off",
      eqeqeq: ["error", "smart"],
    },
  },
);
