import { BACKUP_SCHEDULES, BACKUP_WINDOWS, selectionName, vaultPolicy } from "./backupPlan";
import { BACKUP_SERVICE_ROLE_POLICIES } from "./perms";

describe("AWS Backup settings", () => {
  it("takes an hourly recovery point within the hour (RPO 1 hour)", () => {
    expect(BACKUP_SCHEDULES.hourly).toBe("cron(0 * ? * * *)");
    const w = BACKUP_WINDOWS.hourly;
    expect(w.startWindow).toBeGreaterThanOrEqual(60); // AWS Backup's minimum
    expect(w.completionWindow).toBeGreaterThan(w.startWindow);
  });

  it("denies deleting recovery points by hand, so only their lifecycle removes them", () => {
    const policy = JSON.parse(vaultPolicy("arn:aws:backup:us-east-1:123456789012:backup-vault:v"));
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Effect: "Deny",
        Principal: "*",
        Action: expect.arrayContaining(["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"]),
        Resource: "arn:aws:backup:us-east-1:123456789012:backup-vault:v",
      }),
    ]);
  });

  it("uses AWS Backup's service-role policies, not FullAccess ones", () => {
    for (const arn of BACKUP_SERVICE_ROLE_POLICIES) {
      expect(arn).toMatch(/^arn:aws:iam::aws:policy\/service-role\/AWSBackupServiceRolePolicyFor/);
      expect(arn).not.toMatch(/FullAccess/);
    }
  });

  it("names selections within AWS Backup's 50-character pattern", () => {
    const name = selectionName(
      "clickstream",
      "prod",
      "clickstream-tables/with spaces and a very long suffix",
    );
    expect(name).toMatch(/^[A-Za-z0-9_.-]{1,50}$/);
  });
});
