/// Inputs shared by the tests of several modules.
public enum Fixtures {
    /// A valid ficha diagnóstica of SICT (written under its former name) for 2024.
    public static let fichaYAML = """
        dependencia: SCT
        anio: 2024
        total: 10
        hombres: 6
        mujeres: 4
        edad: {18-29: 1, 30-44: 5, 45-59: 3, 60+: 1}
        escolaridad: {secundaria: 1, medio_superior: 2, licenciatura_o_superior: 7}
        area: {economico_administrativo: 2, leyes: 2, ingenierias: 2, tecnologias_de_la_informacion: 2, ciencias_sociales: 1, medicina_general: 1}
        puestos:
          - {puesto: Jefe de departamento, nivel: medio, personas: 4}
          - {puesto: Analista, nivel: operativo, personas: 6}
        cursos_previos:
          - {curso: Taller 2019, personas: 3}
        necesidades: {capacitacion: 8, formador: 2}
        observaciones: Prueba
        """
}
